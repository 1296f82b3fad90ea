import { describe, expect, it } from "vitest";
import {
  buildTimeline,
  changedFiles,
  changeSetOf,
  contiguousSeq,
  lastSeq,
  mergeEvents,
  pendingApprovals,
  type ToolItem,
} from "./timeline";
import type { AgentEvent } from "./types";

const ev = (seq: number, type: AgentEvent["type"], fields: Partial<AgentEvent> = {}): AgentEvent => ({
  run_id: "r1",
  seq,
  type,
  at: "2026-12-03T13:00:00Z",
  ...fields,
});

const run: AgentEvent[] = [
  ev(1, "start", { text: "fix the tests", detail: "edit", message: "openai:gpt" }),
  ev(2, "message", { text: "Reading the file." }),
  ev(3, "tool_call", { call_id: "c1", tool: "read_file", args: { path: "a.py" } }),
  ev(4, "tool_result", { call_id: "c1", tool: "read_file", ok: true, output: "x = 1" }),
  ev(5, "tool_call", { call_id: "c2", tool: "edit_file", args: { path: "a.py", old_text: "1", new_text: "2" } }),
  ev(6, "file_change", {
    call_id: "c2",
    path: "a.py",
    change: "modified",
    change_set_id: "cs1",
    checkpoint_id: "k1",
    diff: "@@ -1 +1 @@\n-x = 1\n+x = 2\n",
  }),
  ev(7, "tool_result", { call_id: "c2", tool: "edit_file", ok: true, output: "edited" }),
  ev(8, "tool_call", { call_id: "c3", tool: "run_command", args: { argv: ["python", "-c", "print(42)"] } }),
  ev(9, "approval_request", {
    call_id: "c3",
    tool: "run_command",
    args: { argv: ["python", "-c", "print(42)"] },
    risk: "command",
    detail: "python -c 'print(42)'",
  }),
];

describe("mergeEvents", () => {
  it("keeps each seq once when a join replays events the socket already had", () => {
    const seen = run.slice(0, 5);
    const replay = run.slice(2, 9); // seq 3..9, overlapping 3..5
    const merged = mergeEvents(seen, replay);
    expect(merged.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("orders events that arrive out of order", () => {
    const merged = [run[0], run[3], run[1], run[2]].reduce<AgentEvent[]>((acc, e) => mergeEvents(acc, [e]), []);
    expect(merged.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it("keeps the first copy of a seq (a replay does not replace what was shown)", () => {
    const merged = mergeEvents([ev(1, "message", { text: "first" })], [ev(1, "message", { text: "again" })]);
    expect(merged).toHaveLength(1);
    expect(merged[0].text).toBe("first");
  });

  it("returns the same list when nothing is new (no re-render)", () => {
    const list = run.slice(0, 3);
    expect(mergeEvents(list, [])).toBe(list);
  });
});

describe("seq bookkeeping", () => {
  it("knows the last seq and the last one with no gap before it", () => {
    const withGap = mergeEvents([], [run[0], run[1], run[3], run[4]]);
    expect(lastSeq(withGap)).toBe(5);
    expect(contiguousSeq(withGap)).toBe(2);
    expect(contiguousSeq(run)).toBe(9);
    expect(lastSeq([])).toBe(0);
    expect(contiguousSeq([])).toBe(0);
  });
});

describe("buildTimeline", () => {
  it("folds a call's result, file change and approval into one card, in start order", () => {
    const items = buildTimeline(run);
    expect(items.map((i) => i.kind)).toEqual(["start", "message", "tool", "tool", "tool"]);
    const [read, edit, cmd] = items.filter((i): i is ToolItem => i.kind === "tool");
    expect(read.result).toEqual({ seq: 4, ok: true, output: "x = 1" });
    expect(edit.changes).toHaveLength(1);
    expect(edit.changes[0]).toMatchObject({ path: "a.py", changeSetId: "cs1", checkpointId: "k1" });
    expect(cmd.approval).toEqual({ seq: 9, risk: "command", detail: "python -c 'print(42)'", decision: null });
    expect(cmd.result).toBeNull();
  });

  it("is the same whatever order the events arrived in", () => {
    const shuffled = [run[8], run[2], run[0], run[6], run[4], run[1], run[7], run[5], run[3]];
    const merged = shuffled.reduce<AgentEvent[]>((acc, e) => mergeEvents(acc, [e]), []);
    expect(buildTimeline(merged)).toEqual(buildTimeline(run));
  });

  it("marks an error observation and records the decision and the end", () => {
    const items = buildTimeline([
      ...run,
      ev(10, "approval_decision", { call_id: "c3", approve: false, detail: "user" }),
      ev(11, "tool_result", { call_id: "c3", tool: "run_command", ok: false, output: "denied by the user" }),
      ev(12, "error", { message: "provider timed out" }),
      ev(13, "finished", {
        reason: "error: provider timed out",
        usage: { input_tokens: 10, output_tokens: 2, estimated: false },
      }),
    ]);
    const cmd = items.find((i): i is ToolItem => i.kind === "tool" && i.callId === "c3");
    expect(cmd?.approval?.decision).toEqual({ approve: false, by: "user" });
    expect(cmd?.result?.ok).toBe(false);
    expect(items.at(-2)).toEqual({ kind: "error", seq: 12, message: "provider timed out" });
    expect(items.at(-1)).toMatchObject({ kind: "finished", reason: "error: provider timed out" });
  });

  it("makes a card for a call whose first event is not its tool_call", () => {
    const items = buildTimeline([run[8]]);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      kind: "tool",
      tool: "run_command",
      args: { argv: ["python", "-c", "print(42)"] },
    });
  });
});

describe("pendingApprovals", () => {
  it("is pending from the request until its decision", () => {
    expect(pendingApprovals(run).map((a) => a.call_id)).toEqual(["c3"]);
    expect(pendingApprovals(run)[0].detail).toBe("python -c 'print(42)'");
    const decided = [...run, ev(10, "approval_decision", { call_id: "c3", approve: true, detail: "user" })];
    expect(pendingApprovals(decided)).toEqual([]);
  });

  it("counts an approval announced apart (agent:approval) until the log decides it", () => {
    const extra = {
      run_id: "r1",
      call_id: "c9",
      tool: "write_file",
      args: {},
      risk: "control_file",
      detail: "write .pairpad/x (3 lines)",
    };
    expect(pendingApprovals(run.slice(0, 8), [extra]).map((a) => a.call_id)).toEqual(["c9"]);
    const decided = [...run.slice(0, 8), ev(9, "approval_decision", { call_id: "c9", approve: false, detail: "user" })];
    expect(pendingApprovals(decided, [extra])).toEqual([]);
  });

  it("has nothing pending once the run finished (cancelled while waiting)", () => {
    expect(pendingApprovals([...run, ev(10, "finished", { reason: "cancelled" })])).toEqual([]);
  });
});

describe("changes", () => {
  it("names the run's change set and each changed file once", () => {
    const more = [
      ...run,
      ev(10, "file_change", { call_id: "c4", path: "b.py", change: "created", change_set_id: "cs1", diff: "" }),
      ev(11, "file_change", { call_id: "c5", path: "a.py", change: "modified", change_set_id: "cs1", diff: "" }),
    ];
    expect(changeSetOf(more)).toBe("cs1");
    expect(changeSetOf(run.slice(0, 4))).toBeNull();
    expect(changedFiles(more)).toEqual([
      { path: "a.py", change: "modified" },
      { path: "b.py", change: "created" },
    ]);
  });
});
