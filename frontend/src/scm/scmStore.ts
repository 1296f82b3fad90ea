// Source control state: the repository's status (refreshed on git:changed, file events and
// focus), the commit message, and the actions of the view. Errors are git's own messages.
import { create } from "zustand";
import { errorMessage } from "../api/http";
import { setDecorations } from "../stores/decorations";
import { showDialog } from "../stores/dialogs";
import { notifyError, notifyInfo } from "../stores/notifications";
import { basename } from "../util/paths";
import { decorationsOf } from "./groups";
import { gitApi, type GitChange, type GitStatus } from "./scmApi";

interface ScmState {
  status: GitStatus | null;
  loading: boolean;
  error: string | null;
  busy: boolean;
  message: string;
  /** Bumped after every change to the repository: open diffs and gutters reload. */
  version: number;
}

export const useScm = create<ScmState>(() => ({
  status: null,
  loading: false,
  error: null,
  busy: false,
  message: "",
  version: 0,
}));

function apply(status: GitStatus): void {
  useScm.setState((s) => ({ status, error: null, version: s.version + 1 }));
  setDecorations(decorationsOf(status));
}

let inflight: Promise<void> | null = null;
let again = false;

/** Fetches the status; calls during a fetch coalesce into one more. */
export function refreshStatus(): Promise<void> {
  if (inflight) {
    again = true;
    return inflight;
  }
  useScm.setState({ loading: true });
  inflight = (async () => {
    try {
      apply(await gitApi.status());
    } catch (err) {
      useScm.setState({ error: errorMessage(err) });
    } finally {
      useScm.setState({ loading: false });
      inflight = null;
      if (again) {
        again = false;
        void refreshStatus();
      }
    }
  })();
  return inflight;
}

let timer: ReturnType<typeof setTimeout> | undefined;

/** After file events: many arrive together (a save, a branch switch). */
export function refreshSoon(delayMs = 300): void {
  clearTimeout(timer);
  timer = setTimeout(() => void refreshStatus(), delayMs);
}

/** Runs one repository action; its answer (the new status) is shown, its error notified. */
async function run(label: string, action: () => Promise<unknown>): Promise<boolean> {
  useScm.setState({ busy: true });
  try {
    const result = await action();
    if (result && typeof result === "object" && "repository" in result) apply(result as GitStatus);
    else await refreshStatus();
    return true;
  } catch (err) {
    notifyError(label, err);
    await refreshStatus();
    return false;
  } finally {
    useScm.setState({ busy: false });
  }
}

export const stage = (paths: string[]) => run("Could not stage", () => gitApi.stage(paths));
export const unstage = (paths: string[]) => run("Could not unstage", () => gitApi.unstage(paths));

/** Discard asks first: it cannot be undone (an untracked file is deleted). */
export async function discard(changes: GitChange[]): Promise<boolean> {
  if (!changes.length) return false;
  const untracked = changes.every((c) => c.status === "?");
  const what = changes.length === 1 ? basename(changes[0].path) : `${changes.length} files`;
  const choice = await showDialog({
    title: untracked ? "Delete untracked files" : "Discard changes",
    message: untracked
      ? `Delete ${what}? The file is not in git: it is gone for good.`
      : `Discard the changes in ${what}? Unstaged changes are lost; staged ones stay.`,
    buttons: [
      { id: "discard", label: untracked ? "Delete" : "Discard", danger: true, primary: true },
      { id: "cancel", label: "Cancel" },
    ],
    cancelId: "cancel",
  });
  if (choice !== "discard") return false;
  return run("Could not discard", () => gitApi.discard(changes.map((c) => c.path)));
}

export function setMessage(message: string): void {
  useScm.setState({ message });
}

export async function commit(): Promise<boolean> {
  const { message, status } = useScm.getState();
  if (!message.trim()) {
    notifyError("Could not commit", new Error("Write a commit message first."));
    return false;
  }
  if (!status?.staged?.length) {
    notifyError("Could not commit", new Error("Nothing is staged: stage the changes to commit first."));
    return false;
  }
  const ok = await run("Could not commit", async () => {
    const result = await gitApi.commit(message);
    notifyInfo(`Committed ${result.commit.slice(0, 7)}: ${result.summary}`);
  });
  if (ok) useScm.setState({ message: "" });
  return ok;
}

export const initRepository = () => run("Could not initialise the repository", () => gitApi.init());

export async function switchBranch(name: string, create: boolean): Promise<boolean> {
  return run(create ? `Could not create branch ${name}` : `Could not switch to ${name}`, () =>
    gitApi.switchBranch(name, create),
  );
}

export async function remote(command: "pull" | "push"): Promise<void> {
  await run(command === "pull" ? "Could not pull" : "Could not push", async () => {
    const result = await (command === "pull" ? gitApi.pull() : gitApi.push());
    notifyInfo(result.output || `${command} done`);
  });
}

export function errorText(err: unknown): string {
  return errorMessage(err);
}
