import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AgentEvent, AgentRunDetail, AgentRunSummary } from "./types";

// A tab's sessionStorage (the node test environment has none).
const session = new Map<string, string>();
vi.stubGlobal("sessionStorage", {
  getItem: (k: string) => session.get(k) ?? null,
  setItem: (k: string, v: string) => void session.set(k, v),
  removeItem: (k: string) => void session.delete(k),
});

const emitted: { event: string; body: Record<string, unknown> }[] = [];
let acks: Record<string, (body: Record<string, unknown>) => unknown> = {};
vi.mock("../api/socket", () => ({
  getSocket: () => ({
    timeout: () => ({
      emitWithAck: async (event: string, body: Record<string, unknown>) => {
        emitted.push({ event, body });
        const answer = acks[event];
        if (!answer) throw new Error("timeout");
        return answer(body);
      },
    }),
  }),
}));

const requests: string[] = [];
let runs: Record<string, AgentRunDetail> = {};
vi.mock("../api/http", async (importOriginal) => {
  const real = await importOriginal<typeof import("../api/http")>();
  return {
    ...real,
    api: async (path: string, options: { query?: Record<string, unknown> } = {}) => {
      requests.push(`${path}${options.query ? `?after_seq=${String(options.query.after_seq)}` : ""}`);
      if (path === "/api/agent/runs") return { runs: Object.values(runs).map((d) => d.run) };
      const id = decodeURIComponent(path.split("/").pop() ?? "");
      const detail = runs[id];
      if (!detail) throw new real.ApiError(404, `No agent run ${id}`, null);
      const after = Number(options.query?.after_seq ?? 0);
      return { run: detail.run, events: detail.events.filter((e) => e.seq > after) };
    },
  };
});

const store = await import("./agentStore");
const { decide, onAgentApproval, onAgentEvent, openRun, restoreRun, startRun, syncRun, useAgent } = store;
const { pendingApprovals } = await import("./timeline");
const { useNotifications } = await import("../stores/notifications");
const { useLayout } = await import("../stores/layout");

const ev = (seq: number, type: AgentEvent["type"], fields: Partial<AgentEvent> = {}): AgentEvent => ({
  run_id: "r1",
  seq,
  type,
  at: "2026-12-03T13:00:00Z",
  ...fields,
});

const summary = (fields: Partial<AgentRunSummary> = {}): AgentRunSummary => ({
  id: "r1",
  task: "fix it",
  mode: "edit",
  model: "openai:gpt",
  status: "running",
  reason: null,
  created_at: "2026-12-03T13:00:00Z",
  finished_at: null,
  change_set_id: null,
  steps: 1,
  usage: { input_tokens: 100, output_tokens: 10 },
  pending_approval: null,
  ...fields,
});

const seqs = () => useAgent.getState().events.map((e) => e.seq);
const pending = () => {
  const s = useAgent.getState();
  return pendingApprovals(s.events, s.approvals).filter((a) => !(a.call_id in s.answered));
};
// Lets pending promise chains run (setTimeout is faked: the store's sync timer stays put).
const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"], shouldAdvanceTime: false });
  emitted.length = 0;
  requests.length = 0;
  session.clear();
  runs = {};
  acks = {
    "agent:start": () => ({ run_id: "r1" }),
    "agent:join": () => ({ ok: true, status: "running" }),
    "agent:decide": () => ({ ok: true }),
    "agent:cancel": () => ({ ok: true }),
  };
  useAgent.setState({
    currentId: null,
    run: null,
    events: [],
    approvals: [],
    answered: {},
    error: null,
    draft: "",
    starting: false,
  });
});

afterEach(() => {
  vi.useRealTimers();
});

describe("starting a run", () => {
  it("sends the task and mode, keeps events that beat the ack, and remembers the run for a reload", async () => {
    useAgent.setState({ draft: "  fix the failing test  ", mode: "edit", model: "" });
    let release: () => void = () => undefined;
    acks["agent:start"] = () => new Promise((resolve) => (release = () => resolve({ run_id: "r1" })));
    const started = startRun();
    await flush();
    // The server joined us to the room and its first events arrive before the ack.
    onAgentEvent(ev(1, "start", { text: "fix the failing test", detail: "edit" }));
    onAgentEvent(ev(2, "message", { text: "Looking." }));
    release();
    expect(await started).toBe(true);
    expect(emitted[0]).toEqual({ event: "agent:start", body: { task: "fix the failing test", mode: "edit" } });
    const s = useAgent.getState();
    expect(s.currentId).toBe("r1");
    expect(seqs()).toEqual([1, 2]);
    expect(s.draft).toBe("");
    expect(session.get("pairpad.agent.run")).toBe("r1");
  });

  it("shows the ack's error and keeps the task", async () => {
    acks["agent:start"] = () => ({ error: "Unknown model 'x:y': pick one of Settings → Models", status: 400 });
    useAgent.setState({ draft: "do it", model: "x:y" });
    expect(await startRun()).toBe(false);
    const s = useAgent.getState();
    expect(emitted[0].body.model).toBe("x:y");
    expect(s.error).toBe("Could not start the run: Unknown model 'x:y': pick one of Settings → Models");
    expect(s.currentId).toBeNull();
    expect(s.draft).toBe("do it");
  });

  it("says so when the server does not answer", async () => {
    delete acks["agent:start"];
    useAgent.setState({ draft: "do it" });
    expect(await startRun()).toBe(false);
    expect(useAgent.getState().error).toMatch(/did not answer/);
  });

  it("refuses an empty task with a message", async () => {
    useAgent.setState({ draft: "   " });
    expect(await startRun()).toBe(false);
    expect(emitted).toEqual([]);
    expect(useAgent.getState().error).toMatch(/Type a task/);
  });
});

describe("following a run", () => {
  it("loads a live run's log, joins after its last seq, and dedupes the replay", async () => {
    runs.r1 = {
      run: summary(),
      events: [ev(1, "start"), ev(2, "message", { text: "a" }), ev(3, "message", { text: "b" })],
    };
    await openRun("r1");
    expect(emitted).toEqual([{ event: "agent:join", body: { run_id: "r1", after_seq: 3 } }]);
    // The join's replay overlaps what the socket already got live.
    for (const e of [ev(3, "message", { text: "b" }), ev(5, "message", { text: "d" }), ev(4, "message", { text: "c" })])
      onAgentEvent(e);
    expect(seqs()).toEqual([1, 2, 3, 4, 5]);
    expect(useAgent.getState().events[2].text).toBe("b");
  });

  it("does not join a finished run", async () => {
    runs.r1 = {
      run: summary({ status: "finished", reason: "completed" }),
      events: [ev(1, "start"), ev(2, "finished", { reason: "completed" })],
    };
    await openRun("r1");
    expect(emitted).toEqual([]);
    expect(useAgent.getState().run?.reason).toBe("completed");
  });

  it("ignores events of another run", async () => {
    runs.r1 = { run: summary(), events: [ev(1, "start")] };
    await openRun("r1");
    onAgentEvent({ ...ev(2, "message", { text: "other" }), run_id: "r2" });
    expect(seqs()).toEqual([1]);
  });

  it("replays the remembered run after a reload", async () => {
    session.set("pairpad.agent.run", "r1");
    runs.r1 = { run: summary(), events: [ev(1, "start"), ev(2, "message", { text: "a" })] };
    restoreRun();
    await flush();
    await flush();
    expect(useAgent.getState().currentId).toBe("r1");
    expect(seqs()).toEqual([1, 2]);
    expect(emitted.at(-1)).toEqual({ event: "agent:join", body: { run_id: "r1", after_seq: 2 } });
  });

  it("forgets a remembered run the server no longer has, and says so", async () => {
    session.set("pairpad.agent.run", "gone");
    await openRun("gone");
    expect(useAgent.getState().currentId).toBeNull();
    expect(useAgent.getState().error).toMatch(/no longer exists/);
    expect(session.has("pairpad.agent.run")).toBe(false);
  });

  it("fills a gap in the live events from the log", async () => {
    runs.r1 = { run: summary(), events: [ev(1, "start")] };
    await openRun("r1");
    runs.r1.events.push(ev(2, "message", { text: "missed" }), ev(3, "message", { text: "live" }));
    runs.r1.run = summary({ steps: 2 });
    onAgentEvent(ev(3, "message", { text: "live" }));
    expect(seqs()).toEqual([1, 3]);
    requests.length = 0;
    await syncRun();
    expect(requests).toEqual(["/api/agent/runs/r1?after_seq=1"]);
    expect(seqs()).toEqual([1, 2, 3]);
    expect(useAgent.getState().run?.steps).toBe(2);
  });

  it("marks the run finished from its finished event", async () => {
    runs.r1 = { run: summary(), events: [ev(1, "start")] };
    await openRun("r1");
    onAgentEvent(
      ev(2, "finished", { reason: "max_steps", usage: { input_tokens: 5, output_tokens: 1, estimated: false } }),
    );
    const run = useAgent.getState().run;
    expect(run?.status).toBe("finished");
    expect(run?.reason).toBe("max_steps");
    expect(run?.usage.input_tokens).toBe(5);
  });
});

describe("a restarted server", () => {
  it("shows a run it left going as interrupted, from the finished event a rejoin replays", async () => {
    runs.r1 = { run: summary({ status: "waiting" }), events: [ev(1, "start")] };
    await openRun("r1");
    store.rejoinRun();
    await flush();
    expect(emitted.at(-1)).toEqual({ event: "agent:join", body: { run_id: "r1", after_seq: 1 } });
    onAgentEvent(ev(2, "finished", { reason: "interrupted" }));
    expect(useAgent.getState().run?.status).toBe("interrupted");
    expect(useAgent.getState().run?.reason).toBe("interrupted");
  });

  it("keeps the status the server says for a run that is over", async () => {
    runs.r1 = {
      run: summary({ status: "interrupted", reason: "interrupted" }),
      events: [ev(1, "start"), ev(2, "finished", { reason: "interrupted" })],
    };
    await openRun("r1");
    expect(useAgent.getState().run?.status).toBe("interrupted");
    expect(emitted).toEqual([]);
  });
});

describe("approvals", () => {
  const request = ev(3, "approval_request", {
    call_id: "c1",
    tool: "run_command",
    args: { argv: ["python", "-c", "print(42)"] },
    risk: "command",
    detail: "python -c 'print(42)'",
  });

  beforeEach(async () => {
    runs.r1 = { run: summary(), events: [ev(1, "start"), ev(2, "tool_call", { call_id: "c1", tool: "run_command" })] };
    await openRun("r1");
    emitted.length = 0;
  });

  it("is pending from agent:approval, and the decision is sent with the call id", async () => {
    onAgentApproval({
      run_id: "r1",
      call_id: "c1",
      tool: "run_command",
      args: {},
      risk: "command",
      detail: "python -c 'print(42)'",
    });
    expect(useAgent.getState().run?.status).toBe("waiting");
    expect(pending().map((a) => a.detail)).toEqual(["python -c 'print(42)'"]);
    onAgentEvent(request); // the same approval in the log: still one
    expect(pending()).toHaveLength(1);
    await decide("c1", true);
    expect(emitted).toEqual([{ event: "agent:decide", body: { run_id: "r1", call_id: "c1", approve: true } }]);
    expect(pending()).toEqual([]);
    onAgentEvent(ev(4, "approval_decision", { call_id: "c1", approve: true, detail: "user" }));
    expect(useAgent.getState().run?.status).toBe("running");
    expect(pending()).toEqual([]);
  });

  it("notifies when the Agent view is hidden or shows another run, not when it shows this one", () => {
    const approval = { run_id: "r1", call_id: "c1", tool: "run_command", args: {}, risk: "command", detail: "make" };
    const warnings = () => useNotifications.getState().items.filter((n) => n.severity === "warning");
    useNotifications.setState({ items: [] });
    useLayout.setState({ secondaryView: store.AGENT_VIEW, secondaryVisible: true });
    onAgentApproval(approval);
    expect(warnings()).toEqual([]);
    useLayout.setState({ secondaryView: "chat" });
    onAgentApproval({ ...approval, call_id: "c2", detail: "make test" });
    expect(warnings().map((n) => n.message)).toEqual([
      "The agent is waiting for your approval (Agent view): make test",
    ]);
    onAgentApproval({ ...approval, run_id: "r2", call_id: "c3", detail: "make lint" });
    expect(warnings().at(-1)?.message).toBe("An agent run is waiting for your approval (Agent → Runs): make lint");
    expect(pending().map((a) => a.call_id)).toEqual(["c1", "c2"]);
  });

  it("keeps the approval and says why when it was no longer pending", async () => {
    onAgentEvent(request);
    acks["agent:decide"] = () => ({ ok: false });
    await decide("c1", false);
    expect(emitted[0].body.approve).toBe(false);
    expect(useAgent.getState().error).toMatch(/no longer pending/);
    // Answered in another window: the log's decision clears it here too.
    onAgentEvent(ev(4, "approval_decision", { call_id: "c1", approve: true, detail: "user" }));
    expect(pending()).toEqual([]);
  });

  it("shows a refused decision's error", async () => {
    onAgentEvent(request);
    acks["agent:decide"] = () => ({ error: "Not allowed", status: 403 });
    await decide("c1", true);
    expect(useAgent.getState().error).toBe("Could not send your decision: Not allowed");
    expect(pending()).toHaveLength(1);
  });

  it("comes back after a reload from the run's summary", async () => {
    runs.r1.run = summary({
      status: "waiting",
      pending_approval: {
        call_id: "c1",
        tool: "run_command",
        args: {},
        risk: "command",
        detail: "python -c 'print(42)'",
      },
    });
    await openRun("r1");
    expect(pending().map((a) => a.call_id)).toEqual(["c1"]);
  });
});
