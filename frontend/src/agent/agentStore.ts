// The agent view's state and its Socket.IO wiring: `agent:start` (ack {run_id}) → the run's
// `agent:event`s (deduped by seq) and `agent:approval`s; `agent:join` follows a run from another
// window or after a reload (the id is kept in sessionStorage); `agent:decide`, `agent:cancel`.
// A debounced GET of the run after new events fills any seq gap and keeps steps/usage current.
import { create } from "zustand";
import { ApiError, errorMessage } from "../api/http";
import { useLayout } from "../stores/layout";
import { useNotifications } from "../stores/notifications";
import { agentApi, agentSocket } from "./agentApi";
import { isLive } from "./describe";
import { contiguousSeq, finishedEvent, lastSeq, mergeEvents } from "./timeline";
import type { AgentApproval, AgentEvent, AgentMode, AgentRunSummary } from "./types";

export const AGENT_VIEW = "agent";
const RUN_KEY = "pairpad.agent.run";
const PREFS_KEY = "pairpad.agent.prefs";

export type AgentView = "run" | "runs";

interface AgentState {
  view: AgentView;
  draft: string;
  mode: AgentMode;
  /** `provider:model`, or "" for the server's default. */
  model: string;
  currentId: string | null;
  run: AgentRunSummary | null;
  events: AgentEvent[];
  /** Approvals announced by `agent:approval` or the run's summary (the log has them too, later). */
  approvals: AgentApproval[];
  /** Approvals answered here, by call id (hidden at once; the log's decision follows). */
  answered: Record<string, boolean>;
  deciding: string | null;
  starting: boolean;
  cancelling: boolean;
  loading: boolean;
  /** What went wrong last (an ack's error, a failed load): shown in the view until dismissed. */
  error: string | null;
  runs: AgentRunSummary[] | null;
  runsError: string | null;
  /** Bumped to focus the task box (the "Agent: New Task" command). */
  focusTick: number;
}

interface Prefs {
  mode?: AgentMode;
  model?: string;
}

function loadPrefs(): Prefs {
  try {
    return JSON.parse(globalThis.localStorage?.getItem(PREFS_KEY) ?? "{}") as Prefs;
  } catch {
    return {};
  }
}

const prefs = loadPrefs();

export const useAgent = create<AgentState>(() => ({
  view: "run",
  draft: "",
  mode: prefs.mode ?? "edit",
  model: prefs.model ?? "",
  currentId: null,
  run: null,
  events: [],
  approvals: [],
  answered: {},
  deciding: null,
  starting: false,
  cancelling: false,
  loading: false,
  error: null,
  runs: null,
  runsError: null,
  focusTick: 0,
}));

const set = useAgent.setState;
const get = useAgent.getState;

useAgent.subscribe((s, prev) => {
  if (s.mode === prev.mode && s.model === prev.model) return;
  try {
    globalThis.localStorage?.setItem(PREFS_KEY, JSON.stringify({ mode: s.mode, model: s.model }));
  } catch {
    // Private mode: the choice lasts for this page only.
  }
});

function rememberRun(id: string | null): void {
  try {
    if (id) globalThis.sessionStorage?.setItem(RUN_KEY, id);
    else globalThis.sessionStorage?.removeItem(RUN_KEY);
  } catch {
    // Storage refused: a reload then starts with an empty view.
  }
}

export function savedRunId(): string | null {
  try {
    return globalThis.sessionStorage?.getItem(RUN_KEY) ?? null;
  } catch {
    return null;
  }
}

// Events that arrive between `agent:start` and its ack (the server joins us to the run's room
// before the first event, which may beat the ack): kept by run id until the ack names ours.
const early = new Map<string, AgentEvent[]>();

const approvalOf = (run: AgentRunSummary): AgentApproval[] =>
  run.pending_approval ? [{ run_id: run.id, ...run.pending_approval }] : [];

/** The summary as the log says it is now (status and usage are known from `finished` before a GET). */
function withFinished(run: AgentRunSummary | null, events: AgentEvent[]): AgentRunSummary | null {
  const done = finishedEvent(events);
  if (!run || !done || !isLive(run.status)) return run;
  return {
    ...run,
    status: done.reason === "interrupted" ? "interrupted" : "finished",
    reason: done.reason ?? null,
    usage: done.usage ?? run.usage,
    pending_approval: null,
  };
}

function addEvents(runId: string, incoming: AgentEvent[]): void {
  set((s) => {
    if (s.currentId !== runId) return s;
    const events = mergeEvents(s.events, incoming);
    return { events, run: withFinished(s.run, events) };
  });
}

// --- live events ------------------------------------------------------------------------------

export function onAgentEvent(event: AgentEvent): void {
  const s = get();
  if (s.starting && s.currentId === null) {
    early.set(event.run_id, [...(early.get(event.run_id) ?? []), event]);
    return;
  }
  if (event.run_id !== s.currentId) return;
  addEvents(event.run_id, [event]);
  if (event.type === "approval_request" && get().run?.status === "running") {
    set((st) => ({ run: st.run && { ...st.run, status: "waiting" } }));
  }
  if (event.type === "approval_decision") {
    set((st) => ({ run: st.run && st.run.status === "waiting" ? { ...st.run, status: "running" } : st.run }));
  }
  if (event.type === "finished") void refreshRuns();
  scheduleSync();
}

export function onAgentApproval(approval: AgentApproval): void {
  if (approval.run_id !== get().currentId) {
    // A run this window started or followed before showing another one: still say it waits.
    useNotifications
      .getState()
      .push("warning", `An agent run is waiting for your approval (Agent → Runs): ${approval.detail}`);
    void refreshRuns();
    return;
  }
  set((s) => ({
    approvals: [...s.approvals.filter((a) => a.call_id !== approval.call_id), approval],
    run: s.run && isLive(s.run.status) ? { ...s.run, status: "waiting" } : s.run,
  }));
  const layout = useLayout.getState();
  if (!layout.secondaryVisible || layout.secondaryView !== AGENT_VIEW) {
    useNotifications
      .getState()
      .push("warning", `The agent is waiting for your approval (Agent view): ${approval.detail}`);
  }
}

// --- syncing with the server's log --------------------------------------------------------------

let syncTimer: ReturnType<typeof setTimeout> | null = null;
let syncing = false;
let syncAgain = false;
export const SYNC_DELAY_MS = 400;

/** A GET of the current run soon (once per burst of events). */
export function scheduleSync(): void {
  if (syncTimer !== null) return;
  syncTimer = setTimeout(() => {
    syncTimer = null;
    void syncRun();
  }, SYNC_DELAY_MS);
}

/** Fetches the run's summary and every event after the last contiguous seq (fills gaps). */
export async function syncRun(): Promise<void> {
  const id = get().currentId;
  if (!id) return;
  if (syncing) {
    syncAgain = true;
    return;
  }
  syncing = true;
  try {
    const detail = await agentApi.run(id, contiguousSeq(get().events));
    if (get().currentId !== id) return;
    set((s) => {
      const events = mergeEvents(s.events, detail.events);
      return { run: withFinished(detail.run, events), events, approvals: mergeApprovals(s.approvals, detail.run) };
    });
  } catch (err) {
    // A run that vanished is said once; a passing network error waits for the next event.
    if (err instanceof ApiError && err.status === 404) forgetMissing(id);
  } finally {
    syncing = false;
    if (syncAgain) {
      syncAgain = false;
      scheduleSync();
    }
  }
}

function mergeApprovals(current: AgentApproval[], run: AgentRunSummary): AgentApproval[] {
  const fromRun = approvalOf(run);
  return [...current.filter((a) => !fromRun.some((b) => b.call_id === a.call_id)), ...fromRun];
}

function forgetMissing(id: string): void {
  if (get().currentId !== id) return;
  rememberRun(null);
  set({
    currentId: null,
    run: null,
    events: [],
    approvals: [],
    loading: false,
    error: "That agent run no longer exists on the server (its log was removed). Start a new task.",
  });
}

// --- actions -----------------------------------------------------------------------------------

/** Joins the run's room and has the server replay what came after what we have. */
async function join(id: string): Promise<void> {
  const ack = await agentSocket.join(id, lastSeq(get().events));
  if (get().currentId !== id) return;
  if (ack.error !== undefined) {
    set({ error: `Could not follow the run live: ${ack.error}` });
    return;
  }
  scheduleSync();
}

/** Shows a run: its log from the server, then (while it runs) its live events. */
export async function openRun(id: string): Promise<void> {
  early.clear();
  set({ currentId: id, run: null, events: [], approvals: [], answered: {}, error: null, view: "run", loading: true });
  rememberRun(id);
  try {
    const detail = await agentApi.run(id, 0);
    if (get().currentId !== id) return;
    set((s) => {
      const events = mergeEvents(s.events, detail.events);
      return { run: withFinished(detail.run, events), events, approvals: approvalOf(detail.run), loading: false };
    });
    if (isLive(detail.run.status)) await join(id);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) forgetMissing(id);
    else if (get().currentId === id) set({ loading: false, error: `Could not load the run: ${errorMessage(err)}` });
  }
}

/** Starts the task in the box; resolves true when the server accepted it. */
export async function startRun(): Promise<boolean> {
  const { draft, mode, model, starting } = get();
  const task = draft.trim();
  if (starting) return false;
  if (!task) {
    set({ error: "Type a task first: what should the agent do?" });
    return false;
  }
  early.clear();
  set({
    starting: true,
    error: null,
    currentId: null,
    run: null,
    events: [],
    approvals: [],
    answered: {},
    view: "run",
  });
  const ack = await agentSocket.start({ task, mode, ...(model ? { model } : {}) });
  if (ack.error !== undefined) {
    set({ starting: false, error: `Could not start the run: ${ack.error}` });
    return false;
  }
  const id = ack.run_id;
  const buffered = early.get(id) ?? [];
  early.clear();
  const events = mergeEvents([], buffered);
  const now = new Date().toISOString();
  const run: AgentRunSummary = {
    id,
    task,
    mode,
    model,
    status: "running",
    reason: null,
    created_at: now,
    finished_at: null,
    change_set_id: null,
    steps: 0,
    usage: { input_tokens: 0, output_tokens: 0 },
    pending_approval: null,
  };
  set((s) => ({
    starting: false,
    currentId: id,
    events,
    run: withFinished(run, events),
    draft: s.draft === draft ? "" : s.draft,
  }));
  rememberRun(id);
  scheduleSync();
  void refreshRuns();
  return true;
}

export async function cancelRun(): Promise<void> {
  const id = get().currentId;
  if (!id) return;
  set({ cancelling: true, error: null });
  try {
    const ack = await agentSocket.cancel(id);
    if (ack.error !== undefined) set({ error: `Could not cancel the run: ${ack.error}` });
    else if (!ack.ok) set({ error: "The run is not running any more: nothing to cancel." });
  } finally {
    set({ cancelling: false });
    scheduleSync();
  }
}

export async function decide(callId: string, approve: boolean): Promise<void> {
  const id = get().currentId;
  if (!id || get().deciding) return;
  set({ deciding: callId, error: null });
  try {
    const ack = await agentSocket.decide(id, callId, approve);
    if (ack.error !== undefined) set({ error: `Could not send your decision: ${ack.error}` });
    else if (!ack.ok) {
      set({ error: "That approval is no longer pending: the run ended or it was answered in another window." });
    } else set((s) => ({ answered: { ...s.answered, [callId]: approve } }));
  } finally {
    set({ deciding: null });
    scheduleSync();
  }
}

export async function refreshRuns(): Promise<void> {
  try {
    set({ runs: await agentApi.runs(), runsError: null });
  } catch (err) {
    set({ runsError: errorMessage(err) });
  }
}

/** A fresh task box (the current run keeps going; it stays in the runs list). */
export function newTask(): void {
  set((s) => ({ view: "run", focusTick: s.focusTick + 1 }));
  const s = get();
  if (s.run && !isLive(s.run.status)) {
    rememberRun(null);
    set({ currentId: null, run: null, events: [], approvals: [], answered: {}, error: null });
  }
}

/** After a page load: the run this tab showed before the reload, replayed (and followed live). */
export function restoreRun(): void {
  const id = savedRunId();
  if (id) void openRun(id);
}

/** After a reconnect the server has forgotten our rooms: join the live run again. */
export function rejoinRun(): void {
  const { currentId, run } = get();
  if (!currentId) return;
  if (!run || isLive(run.status)) void join(currentId);
  else scheduleSync();
}

export function dismissError(): void {
  set({ error: null });
}
