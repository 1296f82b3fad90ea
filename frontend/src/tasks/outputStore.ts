// The runs the Output view shows: the last MAX_RUNS task runs of this page, newest first, each
// with its bounded output and, once it ended, its exit. Events may arrive before `task:run`'s
// ack (the server joins the socket to the run's room before it starts): a run is created by
// whichever comes first.
import { create } from "zustand";
import type { ServerEvents } from "../api/schema";
import { appendOutput, emptyBuffer, MAX_RUNS, type OutputBuffer, type RunExit } from "./output";
import type { SandboxName, TaskStarted } from "./tasksApi";

export interface OutputRun {
  runId: string;
  /** The task's name (empty until the ack names it). */
  name: string;
  argv: string[];
  sandbox: SandboxName | null;
  startedAt: number;
  output: OutputBuffer;
  exit: RunExit | null;
}

interface OutputState {
  runs: OutputRun[];
  selected: string | null;
  select: (runId: string) => void;
}

export const useOutput = create<OutputState>((set) => ({
  runs: [],
  selected: null,
  select: (runId) => set({ selected: runId }),
}));

function blank(runId: string): OutputRun {
  return { runId, name: "", argv: [], sandbox: null, startedAt: Date.now(), output: emptyBuffer(), exit: null };
}

/** Applies `change` to the run (creating it, newest first, dropping the oldest past MAX_RUNS). */
function update(runId: string, change: (run: OutputRun) => OutputRun, select = false): void {
  useOutput.setState((s) => {
    const existing = s.runs.find((r) => r.runId === runId);
    const runs = existing
      ? s.runs.map((r) => (r.runId === runId ? change(r) : r))
      : [change(blank(runId)), ...s.runs].slice(0, MAX_RUNS);
    const selected = select || !existing ? runId : s.selected;
    return { runs, selected: runs.some((r) => r.runId === selected) ? selected : (runs[0]?.runId ?? null) };
  });
}

export function onRunStarted(ack: TaskStarted): void {
  update(ack.run_id, (r) => ({ ...r, name: ack.name, argv: ack.argv, sandbox: ack.sandbox }), true);
}

export function onRunOutput({ run_id, stream, data }: ServerEvents["run:output"]): void {
  update(run_id, (r) => ({ ...r, output: appendOutput(r.output, stream, data) }));
}

export function onRunExit(exit: ServerEvents["run:exit"]): void {
  update(exit.run_id, (r) => ({ ...r, exit, sandbox: exit.sandbox }));
}

export function runningRuns(): OutputRun[] {
  return useOutput.getState().runs.filter((r) => !r.exit);
}
