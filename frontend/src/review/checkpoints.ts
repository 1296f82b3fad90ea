// Checkpoints for the user: the list (newest first) and Restore, which asks first, says what a
// conflict is about when the server refuses, and names the checkpoint that undoes the restore.
import { create } from "zustand";
import { ApiError } from "../api/http";
import { showDialog } from "../stores/dialogs";
import { notifyError, notifyInfo } from "../stores/notifications";
import { checkpointsApi } from "./endpoints";
import { checkpointName, conflictLines, filesSummary, formatWhen } from "./hunks";
import type { Checkpoint } from "./types";

interface CheckpointState {
  list: Checkpoint[] | null;
  loadError: string | null;
  /** The last refused restore: what conflicts, shown under the list until dismissed. */
  refused: { checkpointId: string; detail: string; conflicts: string[] } | null;
  restoring: string | null;
  /** The "Restore Checkpoint…" quick pick is open. */
  pickerOpen: boolean;
}

export const useCheckpoints = create<CheckpointState>(() => ({
  list: null,
  loadError: null,
  refused: null,
  restoring: null,
  pickerOpen: false,
}));

export const openCheckpointPicker = () => useCheckpoints.setState({ pickerOpen: true });
export const closeCheckpointPicker = () => useCheckpoints.setState({ pickerOpen: false });

export async function loadCheckpoints(): Promise<Checkpoint[]> {
  try {
    const { checkpoints } = await checkpointsApi.list();
    useCheckpoints.setState({ list: checkpoints, loadError: null });
    return checkpoints;
  } catch (err) {
    useCheckpoints.setState({ loadError: err instanceof Error ? err.message : String(err) });
    return [];
  }
}

export function dismissRefusal(): void {
  useCheckpoints.setState({ refused: null });
}

/** Asks, restores, reports. Resolves true when the files were restored. */
export async function restoreCheckpoint(cp: Checkpoint): Promise<boolean> {
  const choice = await showDialog({
    title: "Restore checkpoint?",
    message: `Go back to ${checkpointName(cp)} (${formatWhen(cp.created_at)}): the AI changes made since to ${filesSummary(cp.files)} are undone.`,
    detail:
      "Edits you saved yourself since are kept. If one overlaps an AI change, nothing is restored and the conflict is shown. The restore can be undone: it takes a checkpoint first.",
    buttons: [
      { id: "restore", label: "Restore", primary: true },
      { id: "cancel", label: "Cancel" },
    ],
    cancelId: "cancel",
  });
  if (choice !== "restore") return false;
  useCheckpoints.setState({ restoring: cp.id, refused: null });
  try {
    const result = await checkpointsApi.restore(cp.id);
    const files = result.files.map((f) => f.path);
    if (!result.checkpoint_id || files.length === 0) {
      notifyInfo(`Nothing to restore: the files are already as they were ${checkpointName(cp).replace(/^B/, "b")}.`);
    } else {
      notifyInfo(
        `Restored ${filesSummary(files)} as ${files.length === 1 ? "it was" : "they were"} ${checkpointName(cp).replace(/^B/, "b")} (your own edits kept); restore undone by checkpoint ${result.checkpoint_id}.`,
      );
    }
    void loadCheckpoints();
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) {
      // The detail may already name the conflicts: list only what it does not say.
      const conflicts = conflictLines(err.body).filter((line) => !err.detail.includes(line));
      useCheckpoints.setState({ refused: { checkpointId: cp.id, detail: err.detail, conflicts } });
      notifyError("Restore refused", [err.detail, ...conflicts].join(" — "));
    } else {
      notifyError("Could not restore the checkpoint", err);
    }
    return false;
  } finally {
    useCheckpoints.setState({ restoring: null });
  }
}
