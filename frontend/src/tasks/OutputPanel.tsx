// The Output view of the bottom panel: a task run's command, its output as it arrives (stderr
// tinted) and how it ended; the tab strip's select switches between the recent runs.
import { useLayoutEffect, useRef } from "react";
import { exitSummary, formatArgv, SANDBOX_NAMES } from "./output";
import { useOutput, type OutputRun } from "./outputStore";
import { cancelRunningTask } from "./runTask";

function useSelectedRun(): OutputRun | undefined {
  return useOutput((s) => s.runs.find((r) => r.runId === s.selected) ?? s.runs[0]);
}

function runLabel(run: OutputRun): string {
  const name = run.name || formatArgv(run.argv) || run.runId;
  const exit = run.exit;
  const state = !exit
    ? "running"
    : exit.error
      ? "failed to start"
      : exit.timed_out
        ? "timed out"
        : exit.cancelled
          ? "cancelled"
          : exit.exit_code === 0
            ? "ok"
            : exit.exit_code !== null
              ? `exit ${exit.exit_code}`
              : (exit.signal ?? "killed");
  return `${name} (${state}) ${new Date(run.startedAt).toLocaleTimeString()}`;
}

export function OutputPanel() {
  const run = useSelectedRun();
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  // Follow the output while the view is scrolled to its end; stay put once the user scrolls up.
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  });
  if (!run) return <div className="panel-message">No task has run yet. Run one with “Tasks: Run Task”.</div>;
  const sandbox = run.sandbox ? SANDBOX_NAMES[run.sandbox] : "…";
  return (
    <div
      ref={ref}
      className="output-view"
      data-run={run.runId}
      tabIndex={0}
      aria-label={`Output of ${run.name}`}
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
    >
      <div className="output-header">
        &gt; {formatArgv(run.argv)} — sandbox: {sandbox}
      </div>
      {run.output.dropped > 0 && (
        <div className="output-note">
          … {run.output.dropped.toLocaleString()} earlier characters dropped (the view keeps the last 2 MB)
        </div>
      )}
      <pre className="output-text">
        {run.output.chunks.map((chunk, i) => (
          <span key={i} className={chunk.stream}>
            {chunk.text}
          </span>
        ))}
      </pre>
      {run.exit ? (
        <div className={`output-exit${run.exit.exit_code === 0 ? " ok" : " failed"}`} data-testid="output-exit">
          {exitSummary(run.exit)}
        </div>
      ) : (
        <div className="output-note">running…</div>
      )}
    </div>
  );
}

/** The tab strip's controls while Output is shown: the run select and Stop. */
export function OutputActions() {
  const runs = useOutput((s) => s.runs);
  const run = useSelectedRun();
  if (!runs.length) return null;
  return (
    <>
      <select
        className="output-select"
        aria-label="Task run"
        value={run?.runId}
        onChange={(e) => useOutput.getState().select(e.target.value)}
      >
        {runs.map((r) => (
          <option key={r.runId} value={r.runId}>
            {runLabel(r)}
          </option>
        ))}
      </select>
      {run && !run.exit && (
        <button
          type="button"
          className="icon-button"
          aria-label="Cancel Running Task"
          title="Cancel Running Task"
          onClick={() => void cancelRunningTask()}
        >
          <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
            <rect x="4" y="4" width="8" height="8" rx="1" fill="var(--danger)" />
          </svg>
        </button>
      )}
    </>
  );
}
