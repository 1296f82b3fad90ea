// A run's log as the view shows it: events deduped and ordered by seq (a join replays what the
// socket may already have had), folded into timeline items (one card per tool call holding its
// approval, result and file changes) and the approvals still waiting for the user.
import type { AgentApproval, AgentEvent, TokenUsage } from "./types";

/** `current` and `incoming` as one list, each seq once (the first copy kept), ascending. */
export function mergeEvents(current: readonly AgentEvent[], incoming: readonly AgentEvent[]): AgentEvent[] {
  if (incoming.length === 0) return current as AgentEvent[];
  const last = current.length ? current[current.length - 1].seq : 0;
  // The common case: live events in order, each after the last one seen.
  if (incoming.every((e, i) => e.seq > (i === 0 ? last : incoming[i - 1].seq))) return [...current, ...incoming];
  const bySeq = new Map<number, AgentEvent>();
  for (const e of current) bySeq.set(e.seq, e);
  for (const e of incoming) if (!bySeq.has(e.seq)) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The highest seq seen (0 when none). */
export function lastSeq(events: readonly AgentEvent[]): number {
  return events.length ? events[events.length - 1].seq : 0;
}

/** The highest seq n with 1..n all seen: a fetch `after_seq` this fills any gap. */
export function contiguousSeq(events: readonly AgentEvent[]): number {
  let n = 0;
  for (const e of events) {
    if (e.seq !== n + 1) break;
    n = e.seq;
  }
  return n;
}

export interface ToolResult {
  seq: number;
  ok: boolean;
  output: string;
}

export interface ApprovalState {
  seq: number;
  risk: string;
  detail: string;
  /** Set once decided: by the user, the allow-list, … (`by`). */
  decision: { approve: boolean; by: string } | null;
}

export interface FileChange {
  seq: number;
  path: string;
  change: string;
  changeSetId: string | null;
  checkpointId: string | null;
  diff: string;
}

export type TimelineItem =
  | { kind: "start"; seq: number; at: string; task: string; mode: string; model: string }
  | { kind: "message"; seq: number; text: string }
  | {
      kind: "tool";
      seq: number;
      callId: string;
      tool: string;
      args: Record<string, unknown>;
      approval: ApprovalState | null;
      result: ToolResult | null;
      changes: FileChange[];
    }
  | { kind: "error"; seq: number; message: string }
  | { kind: "finished"; seq: number; reason: string; usage: TokenUsage | null };

export type ToolItem = Extract<TimelineItem, { kind: "tool" }>;

/** The events (ordered by seq) as timeline items, in the order they started. */
export function buildTimeline(events: readonly AgentEvent[]): TimelineItem[] {
  const items: TimelineItem[] = [];
  const tools = new Map<string, ToolItem>();
  // Every event of a call lands on its card, created by whichever arrives first.
  const card = (e: AgentEvent): ToolItem => {
    const id = e.call_id ?? `seq-${e.seq}`;
    let item = tools.get(id);
    if (!item) {
      item = {
        kind: "tool",
        seq: e.seq,
        callId: id,
        tool: e.tool ?? "",
        args: {},
        approval: null,
        result: null,
        changes: [],
      };
      tools.set(id, item);
      items.push(item);
    }
    if (!item.tool && e.tool) item.tool = e.tool;
    return item;
  };
  for (const e of events) {
    switch (e.type) {
      case "start":
        items.push({
          kind: "start",
          seq: e.seq,
          at: e.at,
          task: e.text ?? "",
          mode: e.detail ?? "",
          model: e.message ?? "",
        });
        break;
      case "message":
        if (e.text) items.push({ kind: "message", seq: e.seq, text: e.text });
        break;
      case "tool_call":
        card(e).args = e.args ?? {};
        break;
      case "tool_result":
        card(e).result = { seq: e.seq, ok: e.ok !== false, output: e.output ?? "" };
        break;
      case "approval_request": {
        const item = card(e);
        if (e.args && Object.keys(item.args).length === 0) item.args = e.args;
        item.approval = {
          seq: e.seq,
          risk: e.risk ?? "",
          detail: e.detail ?? "",
          decision: item.approval?.decision ?? null,
        };
        break;
      }
      case "approval_decision": {
        const item = card(e);
        const decision = { approve: e.approve === true, by: e.detail ?? "" };
        item.approval = item.approval ? { ...item.approval, decision } : { seq: e.seq, risk: "", detail: "", decision };
        break;
      }
      case "file_change":
        card(e).changes.push({
          seq: e.seq,
          path: e.path ?? "",
          change: e.change ?? "modified",
          changeSetId: e.change_set_id ?? null,
          checkpointId: e.checkpoint_id ?? null,
          diff: e.diff ?? "",
        });
        break;
      case "error":
        items.push({ kind: "error", seq: e.seq, message: e.message ?? "" });
        break;
      case "finished":
        items.push({ kind: "finished", seq: e.seq, reason: e.reason ?? "", usage: e.usage ?? null });
        break;
    }
  }
  return items;
}

export function finishedEvent(events: readonly AgentEvent[]): AgentEvent | undefined {
  return events.find((e) => e.type === "finished");
}

/**
 * The approvals the run still waits for: requested (in the log, by `agent:approval` or the run's
 * summary: `extra`) and neither decided in the log nor ended by the run finishing.
 */
export function pendingApprovals(events: readonly AgentEvent[], extra: readonly AgentApproval[] = []): AgentApproval[] {
  if (finishedEvent(events)) return [];
  const decided = new Set(events.filter((e) => e.type === "approval_decision").map((e) => e.call_id));
  const out = new Map<string, AgentApproval>();
  for (const e of events) {
    if (e.type !== "approval_request" || !e.call_id || decided.has(e.call_id)) continue;
    out.set(e.call_id, {
      run_id: e.run_id,
      call_id: e.call_id,
      tool: e.tool ?? "",
      args: e.args ?? {},
      risk: e.risk ?? "",
      detail: e.detail ?? "",
    });
  }
  for (const a of extra) if (!decided.has(a.call_id) && !out.has(a.call_id)) out.set(a.call_id, a);
  return [...out.values()];
}

/** Files the run changed, each once (the last change of a path wins), in first-change order. */
export function changedFiles(events: readonly AgentEvent[]): { path: string; change: string }[] {
  const files = new Map<string, string>();
  for (const e of events) if (e.type === "file_change" && e.path) files.set(e.path, e.change ?? "modified");
  return [...files].map(([path, change]) => ({ path, change }));
}

/** The run's change set (every file change of a run lands in the same one). */
export function changeSetOf(events: readonly AgentEvent[]): string | null {
  for (let i = events.length - 1; i >= 0; i--) if (events[i].change_set_id) return events[i].change_set_id ?? null;
  return null;
}
