// The Agent side view: the current run (header with status, steps and tokens; its timeline),
// the approvals it waits for, the task box, the runs list and the rules / MCP section.
import { useEffect, useMemo, useRef } from "react";
import { openReview } from "../review/reviewApi";
import { dismissError, newTask, useAgent } from "./agentStore";
import { Approvals } from "./Approvals";
import { describeStatus, isLive, usageText } from "./describe";
import { RunList } from "./RunList";
import { Sources } from "./Sources";
import { TaskForm } from "./TaskForm";
import { buildTimeline, changeSetOf, pendingApprovals } from "./timeline";
import { Timeline } from "./RunTimeline";
import "./agent.css";

function RunHeader() {
  const run = useAgent((s) => s.run);
  const events = useAgent((s) => s.events);
  if (!run) return null;
  const status = describeStatus(run);
  const changeSet = run.change_set_id ?? changeSetOf(events);
  const usage = usageText(run.usage);
  return (
    <div className="agent-run-head" data-testid="agent-run-head" data-status={run.status}>
      <div className="agent-run-task-full">{run.task}</div>
      <div className="agent-dim">
        <span className={`agent-status ${status.tone}`} data-testid="agent-status">
          {status.text}
        </span>
        {" · "}
        {run.mode} · {run.model || "default model"} · <span data-testid="agent-steps">{run.steps}</span> step
        {run.steps === 1 ? "" : "s"}
        {usage && ` · ${usage} tokens`}
        {changeSet && (
          <>
            {" · "}
            <button type="button" className="agent-link" onClick={() => void openReview(changeSet)}>
              Review changes
            </button>
          </>
        )}
      </div>
    </div>
  );
}

function RunView() {
  const currentId = useAgent((s) => s.currentId);
  const events = useAgent((s) => s.events);
  const loading = useAgent((s) => s.loading);
  const starting = useAgent((s) => s.starting);
  const status = useAgent((s) => s.run?.status);
  const items = useMemo(() => buildTimeline(events), [events]);
  const changeSet = useAgent((s) => s.run?.change_set_id) ?? changeSetOf(events);
  const list = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  // Follows the newest step unless the user scrolled up to read.
  useEffect(() => {
    const el = list.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [items]);

  return (
    <div
      className="agent-scroll"
      ref={list}
      aria-live="polite"
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 60;
      }}
    >
      {!currentId && !starting && (
        <div className="agent-empty">
          <p>Give the agent a task: it reads the code, edits files and runs commands step by step until it is done.</p>
          <p>
            Every file change goes to the review, where you accept or reject it per hunk; each step takes a checkpoint
            you can restore.
          </p>
        </div>
      )}
      {currentId && <RunHeader />}
      {(loading || starting) && <p className="agent-dim agent-pad">{starting ? "Starting…" : "Loading the run…"}</p>}
      <Timeline items={items} changeSetId={changeSet} />
      {isLive(status) && (
        <p className="agent-dim agent-pad agent-working" data-testid="agent-working">
          {status === "waiting" ? "Waiting for your decision below…" : "Working…"}
        </p>
      )}
    </div>
  );
}

export function AgentPanel() {
  const view = useAgent((s) => s.view);
  const error = useAgent((s) => s.error);
  const events = useAgent((s) => s.events);
  const approvals = useAgent((s) => s.approvals);
  const answered = useAgent((s) => s.answered);
  const finished = useAgent((s) => s.run?.status === "finished" || s.run?.status === "interrupted");
  const pending = useMemo(
    () => (finished ? [] : pendingApprovals(events, approvals).filter((a) => !(a.call_id in answered))),
    [events, approvals, answered, finished],
  );

  return (
    <div className="agent-panel" role="region" aria-label="Agent">
      <div className="agent-toolbar">
        <button type="button" className="agent-tb-btn" onClick={newTask}>
          New task
        </button>
        <button
          type="button"
          className="agent-tb-btn"
          aria-pressed={view === "runs"}
          onClick={() => useAgent.setState({ view: view === "runs" ? "run" : "runs" })}
        >
          Runs
        </button>
      </div>
      <Sources />
      {error && (
        <div className="agent-error" role="alert" data-testid="agent-error">
          <span>{error}</span>
          <button type="button" className="agent-tb-btn" onClick={dismissError} aria-label="Dismiss the error">
            Dismiss
          </button>
        </div>
      )}
      {view === "runs" ? <RunList /> : <RunView />}
      <Approvals pending={pending} />
      <TaskForm />
    </div>
  );
}
