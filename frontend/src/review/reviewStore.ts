// The review's state: the pending counts (status bar), the change sets the review shows with
// their files and hunks, the selected file, and the last refusal to show in the panel.
import { create } from "zustand";
import { ApiError, errorMessage } from "../api/http";
import { notifyError } from "../stores/notifications";
import { useTabs } from "../stores/tabs";
import { changeSetsApi, type ReviewTarget } from "./endpoints";
import { firstPendingPath } from "./hunks";
import type { ChangeSet, ReviewChanged } from "./types";

export const REVIEW_TAB = "review";

export interface Selection {
  setId: string;
  path: string;
}

interface ReviewState {
  pendingFiles: number;
  pendingHunks: number;
  /** Details of the sets the review shows, by id. */
  sets: Record<string, ChangeSet>;
  /** The ids the review shows, oldest first (pending ones, and those opened explicitly). */
  order: string[];
  selected: Selection | null;
  /** A refused accept/reject (409: the user changed those lines since), shown above the diff. */
  error: string | null;
  /** An accept/reject in flight (its buttons are disabled meanwhile). */
  busy: boolean;
  /** Counts the server's review events (the checkpoint list reloads on each). */
  events: number;
}

export const useReview = create<ReviewState>(() => ({
  pendingFiles: 0,
  pendingHunks: 0,
  sets: {},
  order: [],
  selected: null,
  error: null,
  busy: false,
  events: 0,
}));

export function isReviewOpen(): boolean {
  return useTabs.getState().groups.some((g) => g.tabs.some((t) => t.kind === REVIEW_TAB));
}

function storeSet(set: ChangeSet): void {
  useReview.setState((s) => ({
    sets: { ...s.sets, [set.id]: set },
    order: s.order.includes(set.id) ? s.order : [...s.order, set.id],
  }));
}

/** Keeps the selection on a file of a shown set (the first pending one when it went away). */
function fixSelection(preferred?: string): void {
  const { sets, order, selected } = useReview.getState();
  if (selected && sets[selected.setId]?.files.some((f) => f.path === selected.path)) return;
  const candidates = preferred ? [preferred, ...order] : order;
  for (const setId of candidates) {
    const set = sets[setId];
    const path = set && firstPendingPath(set);
    if (set && path) {
      useReview.setState({ selected: { setId, path } });
      return;
    }
  }
  useReview.setState({ selected: null });
}

/** The counts for the status bar (on start, after a reconnect); refreshes an open review. */
export async function loadPending(): Promise<void> {
  try {
    const list = await changeSetsApi.list("pending");
    useReview.setState({ pendingFiles: list.pending_files, pendingHunks: list.pending_hunks });
    if (isReviewOpen()) await refreshShown(list.change_sets.map((c) => c.id));
  } catch (err) {
    notifyError("Could not load the changes to review", err);
  }
}

/** Reloads the sets the review shows, plus `extra` (newly pending ones). */
async function refreshShown(extra: string[] = []): Promise<void> {
  const ids = [...new Set([...useReview.getState().order, ...extra])];
  const loaded = await Promise.all(
    ids.map((setId) =>
      changeSetsApi.get(setId).then(
        (set) => set,
        () => null, // gone (a restarted server forgets nothing, but be safe): drop it
      ),
    ),
  );
  const sets: Record<string, ChangeSet> = {};
  for (const set of loaded) if (set) sets[set.id] = set;
  useReview.setState({ sets, order: ids.filter((setId) => sets[setId]) });
  fixSelection();
}

let refreshTimer: ReturnType<typeof setTimeout> | null = null;

/** The server's "review:changed": new counts; an open review reloads (coalesced). */
export function onReviewChanged(payload: ReviewChanged): void {
  useReview.setState((s) => ({
    pendingFiles: payload.pending_files,
    pendingHunks: payload.pending_hunks,
    events: s.events + 1,
  }));
  if (!isReviewOpen()) return;
  if (refreshTimer) clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    void loadPending();
  }, 150);
}

/** Opens the review: on one change set (chat Apply), or on every pending one (status bar). */
export async function openReview(changeSetId?: string): Promise<void> {
  useTabs.getState().open({ kind: REVIEW_TAB, path: "" });
  try {
    if (changeSetId) {
      const set = await changeSetsApi.get(changeSetId);
      storeSet(set);
      const path = firstPendingPath(set);
      if (path) useReview.setState({ selected: { setId: set.id, path } });
    }
    const list = await changeSetsApi.list("pending");
    useReview.setState({ pendingFiles: list.pending_files, pendingHunks: list.pending_hunks });
    await refreshShown(list.change_sets.map((c) => c.id));
    fixSelection(changeSetId);
  } catch (err) {
    notifyError("Could not open the review", err);
  }
}

/** Forgets the shown sets when the review closes (the next open shows what is pending then). */
export function resetReview(): void {
  useReview.setState({ sets: {}, order: [], selected: null, error: null });
}

export function select(selection: Selection): void {
  useReview.setState({ selected: selection, error: null });
}

export function dismissError(): void {
  useReview.setState({ error: null });
}

/** Accept or reject all of a set, one file of it, or one hunk; a refusal is shown, nothing lost. */
export async function decide(action: "accept" | "reject", setId: string, target: ReviewTarget = {}): Promise<boolean> {
  useReview.setState({ busy: true, error: null });
  try {
    const set = await changeSetsApi[action](setId, target);
    storeSet(set);
    fixSelection(setId);
    return true;
  } catch (err) {
    const what = target.path ? (target.hunk != null ? `this change in ${target.path}` : target.path) : "the changes";
    const message = `Could not ${action} ${what}: ${errorMessage(err)}`;
    if (err instanceof ApiError && err.status === 409) useReview.setState({ error: message });
    else notifyError(`Could not ${action} ${what}`, err);
    return false;
  } finally {
    useReview.setState({ busy: false });
  }
}

/** "Accept all" / "Reject all": every shown set with something pending, oldest first. */
export async function decideAll(action: "accept" | "reject"): Promise<void> {
  const { sets, order } = useReview.getState();
  for (const setId of order) {
    const set = sets[setId];
    if (!set || !set.files.some((f) => f.pending_hunks > 0)) continue;
    if (!(await decide(action, setId))) return;
  }
}
