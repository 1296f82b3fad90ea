// Past and live runs (GET /api/agent/runs), newest first; a click shows one (and follows it live).
import { useEffect } from "react";
import { openRun, refreshRuns, useAgent } from "./agentStore";
import { describeStatus, formatWhen, usageText } from "./describe";

export function RunList() {
  const runs = useAgent((s) => s.runs);
  const runsError = useAgent((s) => s.runsError);
  const currentId = useAgent((s) => s.currentId);

  useEffect(() => {
    void refreshRuns();
  }, []);

  return (
    <div className="agent-runs" aria-label="Agent runs">
      {runsError && (
        <div className="agent-error" role="alert">
          Could not list the runs: {runsError}
        </div>
      )}
      {runs && runs.length === 0 && <p className="agent-empty">No runs yet.</p>}
      <ul>
        {runs?.map((r) => {
          const status = describeStatus(r);
          return (
            <li key={r.id}>
              <button
                type="button"
                className={`agent-run ${r.id === currentId ? "current" : ""}`}
                data-testid="agent-run"
                data-run={r.id}
                onClick={() => void openRun(r.id)}
                title={r.task}
              >
                <span className="agent-run-task">{r.task}</span>
                <span className="agent-dim">
                  <span className={`agent-status ${status.tone}`}>{status.text}</span> · {r.mode} ·{" "}
                  {formatWhen(r.created_at)} · {r.steps} step{r.steps === 1 ? "" : "s"}
                  {r.usage.input_tokens + r.usage.output_tokens > 0 ? ` · ${usageText(r.usage)}` : ""}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
