import { beforeEach, describe, expect, it } from "vitest";
import { MAX_RUNS } from "./output";
import { onRunExit, onRunOutput, onRunStarted, useOutput } from "./outputStore";

const started = (id: string) => ({ run_id: id, name: "test", argv: ["pytest"], sandbox: "bubblewrap" as const });

describe("output store", () => {
  beforeEach(() => useOutput.setState({ runs: [], selected: null }));

  it("keeps output that arrives before the ack, and selects the newest run", () => {
    onRunOutput({ run_id: "r1", stream: "stdout", data: "early" });
    onRunStarted(started("r1"));
    const [run] = useOutput.getState().runs;
    expect(run).toMatchObject({ runId: "r1", name: "test", argv: ["pytest"] });
    expect(run.output.chunks).toEqual([{ stream: "stdout", text: "early" }]);
    onRunStarted(started("r2"));
    expect(useOutput.getState().selected).toBe("r2");
    onRunExit({
      run_id: "r1",
      exit_code: 1,
      signal: null,
      timed_out: false,
      cancelled: false,
      truncated: false,
      duration_ms: 5,
      sandbox: "bubblewrap",
    });
    expect(useOutput.getState().runs.find((r) => r.runId === "r1")?.exit?.exit_code).toBe(1);
    expect(useOutput.getState().selected).toBe("r2");
  });

  it("keeps the last MAX_RUNS runs", () => {
    for (let i = 0; i < MAX_RUNS + 3; i++) onRunStarted(started(`r${i}`));
    const runs = useOutput.getState().runs;
    expect(runs).toHaveLength(MAX_RUNS);
    expect(runs[0].runId).toBe(`r${MAX_RUNS + 2}`);
    expect(runs.some((r) => r.runId === "r0")).toBe(false);
  });
});
