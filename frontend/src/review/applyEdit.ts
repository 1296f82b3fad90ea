// Applying an edit text (a chat code block, later Ctrl+K and the agent) through the server's
// edit engine: preview (nothing written), then apply (written, a change set, a checkpoint),
// then the review. Refusals come back as outcomes the caller shows where the user looks.
import { ApiError, errorMessage } from "../api/http";
import { dirtyPaths } from "../editor/editorApi";
import { showDialog } from "../stores/dialogs";
import { editsApi } from "./endpoints";
import { openReview } from "./reviewStore";
import type { EditError, EditSource, Preview, PreviewFile } from "./types";
import { shrunkFiles, type Shrink } from "./wholeFile";

export interface ApplyEditRequest {
  text: string;
  /** The file a block that names none goes to (chat: the named file or the active editor's). */
  path: string | null;
  source: EditSource;
  title: string;
}

export type ApplyOutcome =
  | { kind: "applied"; changeSetId: string; paths: string[] }
  | { kind: "already_applied"; message: string }
  | { kind: "failed"; message: string; closest: EditError["closest"] }
  | { kind: "unsaved"; message: string }
  | { kind: "cancelled"; message: string };

/** Why the engine refused: the first failed file's message and its closest region. */
export function describeFailure(preview: Pick<Preview, "files">): { message: string; closest: EditError["closest"] } {
  const failed = preview.files.find((f) => f.status === "failed" && f.error) ?? preview.files.find((f) => f.error);
  if (!failed?.error) return { message: "The edit could not be applied (the engine gave no reason).", closest: null };
  return { message: failed.error.message, closest: failed.error.closest };
}

const pathsOf = (files: PreviewFile[]) => files.map((f) => f.path);

/** "a.py", "a.py and b.py", "a.py, b.py and c.py". */
export function joinPaths(paths: string[]): string {
  if (paths.length <= 1) return paths[0] ?? "";
  return `${paths.slice(0, -1).join(", ")} and ${paths[paths.length - 1]}`;
}

/** Files of the edit whose open editor has unsaved changes: applying would fork them from disk. */
export function unsavedTargets(files: PreviewFile[], dirty: string[]): string[] {
  const set = new Set(dirty);
  return pathsOf(files).filter((p) => set.has(p));
}

async function confirmControl(files: PreviewFile[]): Promise<boolean> {
  const control = pathsOf(files.filter((f) => f.control));
  if (control.length === 0) return true;
  const choice = await showDialog({
    title: "Apply a change to a control file?",
    message: `This change touches ${joinPaths(control)}, which configures Pairpad, tasks or CI.`,
    detail: "Review it carefully: such files can run commands. Apply it for review?",
    buttons: [
      { id: "apply", label: "Apply for Review", primary: true },
      { id: "cancel", label: "Cancel" },
    ],
    cancelId: "cancel",
  });
  return choice === "apply";
}

async function confirmShrink(shrunk: Shrink[]): Promise<boolean> {
  const list = shrunk.map((s) => `${s.path} (${s.removed} of its ${s.before} lines)`).join(", ");
  const choice = await showDialog({
    title: "Replace the whole file?",
    message: `This code block looks like part of a file, not all of it: applied, it replaces ${list} and removes the rest.`,
    detail: "You can still reject it in the review. To change only part of a file, ask for SEARCH/REPLACE blocks.",
    buttons: [
      { id: "apply", label: "Replace for Review", primary: true },
      { id: "cancel", label: "Cancel" },
    ],
    cancelId: "cancel",
  });
  return choice === "apply";
}

/** Preview → apply → open the review. Writes nothing unless the engine can apply every block. */
export async function applyEdit(request: ApplyEditRequest): Promise<ApplyOutcome> {
  const body = { text: request.text, path: request.path, format: "auto" as const };
  let preview: Preview;
  try {
    preview = await editsApi.preview(body);
  } catch (err) {
    if (err instanceof ApiError && err.status === 400) return { kind: "failed", message: err.detail, closest: null };
    throw err;
  }
  if (preview.status === "failed") return { kind: "failed", ...describeFailure(preview) };
  if (preview.status === "already_applied") {
    return {
      kind: "already_applied",
      message: `Already applied: ${joinPaths(pathsOf(preview.files))} already has this change.`,
    };
  }
  const unsaved = unsavedTargets(preview.files, dirtyPaths());
  if (unsaved.length > 0) {
    return {
      kind: "unsaved",
      message: `${joinPaths(unsaved)} has unsaved changes: save (or revert) it first, then apply again. Nothing was changed.`,
    };
  }
  const shrunk = shrunkFiles(preview);
  if (shrunk.length > 0 && !(await confirmShrink(shrunk))) return { kind: "cancelled", message: "Not applied." };
  const allowControl = preview.files.some((f) => f.control);
  if (allowControl && !(await confirmControl(preview.files))) return { kind: "cancelled", message: "Not applied." };
  const etags = Object.fromEntries(preview.files.map((f) => [f.path, f.etag]));
  try {
    const result = await editsApi.apply({
      ...body,
      etags,
      source: request.source,
      title: request.title,
      allow_control: allowControl,
    });
    if (result.status === "already_applied" || !result.change_set_id) {
      return {
        kind: "already_applied",
        message: `Already applied: ${joinPaths(pathsOf(result.files))} already has this change.`,
      };
    }
    void openReview(result.change_set_id);
    return { kind: "applied", changeSetId: result.change_set_id, paths: pathsOf(result.files) };
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) {
      return {
        kind: "failed",
        message: `${err.detail} Nothing was changed: apply again to use the current file.`,
        closest: null,
      };
    }
    if (err instanceof ApiError && err.status === 422) {
      const files = (err.body as { files?: PreviewFile[] } | null)?.files;
      return files
        ? { kind: "failed", ...describeFailure({ files }) }
        : { kind: "failed", message: err.detail, closest: null };
    }
    if (err instanceof ApiError && err.status === 403) return { kind: "failed", message: err.detail, closest: null };
    throw new Error(errorMessage(err));
  }
}
