// The run's timeline: the model's messages, one card per tool call (arguments, approval, file
// changes with their diff, result), errors, and why the run ended.
import { useState } from "react";
import { openReview } from "../review/reviewApi";
import { ChevronDown, ChevronRight } from "../ui/icons";
import { DiffBlock } from "./DiffBlock";
import { describeReason, diffStat, summarizeArgs, toolLabel, usageText } from "./describe";
import { Markdown } from "./Markdown";
import { restoreStep } from "./restoreStep";
import type { FileChange, TimelineItem, ToolItem } from "./timeline";

function Toggle({ open, onClick, label }: { open: boolean; onClick: () => void; label: string }) {
  return (
    <button type="button" className="agent-toggle" aria-expanded={open} aria-label={label} onClick={onClick}>
      {open ? <ChevronDown /> : <ChevronRight />}
    </button>
  );
}

/** `named`: the card already shows the path (the tool's own argument): not repeated. */
function FileChangeView({ change, named }: { change: FileChange; named: boolean }) {
  const [open, setOpen] = useState(true);
  const stat = diffStat(change.diff);
  return (
    <div className="agent-change" data-testid="agent-file-change" data-path={change.path}>
      <div className="agent-change-head">
        <Toggle
          open={open}
          onClick={() => setOpen(!open)}
          label={`${open ? "Hide" : "Show"} the diff of ${change.path}`}
        />
        <span className={`agent-change-kind ${change.change}`}>{change.change}</span>
        <span className="agent-change-path" title={change.path}>
          {named ? "" : change.path}
        </span>
        <span className="agent-stat">
          <span className="add">+{stat.added}</span> <span className="del">−{stat.removed}</span>
        </span>
        {change.changeSetId && (
          <button
            type="button"
            className="agent-link"
            title="Open the run's changes in the review (accept or reject per hunk)"
            onClick={() => void openReview(change.changeSetId ?? undefined)}
          >
            Review
          </button>
        )}
      </div>
      {open && change.diff && <DiffBlock diff={change.diff} />}
    </div>
  );
}

function approvalLine(item: ToolItem, finished: boolean): { text: string; tone: string } | null {
  const a = item.approval;
  if (!a) return null;
  if (!a.decision)
    return finished
      ? { text: "Not decided: the run ended", tone: "" }
      : { text: "Waiting for your approval", tone: "warn" };
  const who = a.decision.by === "user" ? "by you" : a.decision.by ? `(${a.decision.by})` : "";
  return a.decision.approve
    ? { text: `Approved ${who}`.trim(), tone: "ok" }
    : { text: `Denied ${who}`.trim(), tone: "error" };
}

function ToolCard({ item, finished }: { item: ToolItem; finished: boolean }) {
  const [showArgs, setShowArgs] = useState(false);
  const [showResult, setShowResult] = useState(false);
  const summary = summarizeArgs(item.tool, item.args);
  const approval = approvalLine(item, finished);
  const state = item.result
    ? item.result.ok
      ? "ok"
      : "error"
    : item.approval && !item.approval.decision && !finished
      ? "waiting"
      : finished
        ? "stopped"
        : "running";
  const firstLine = item.result?.output.split("\n", 1)[0] ?? "";
  const checkpoint = item.changes.find((c) => c.checkpointId)?.checkpointId;
  return (
    <div className={`agent-tool ${state}`} data-testid="agent-tool" data-tool={item.tool} data-state={state}>
      <div className="agent-tool-head">
        <Toggle
          open={showArgs}
          onClick={() => setShowArgs(!showArgs)}
          label={`${showArgs ? "Hide" : "Show"} the arguments`}
        />
        <span className={`agent-dot ${state}`} aria-label={state} title={state} />
        <span className="agent-tool-name">{toolLabel(item.tool)}</span>
        <code className="agent-tool-args" title={summary}>
          {summary}
        </code>
      </div>
      {showArgs && <pre className="agent-pre">{JSON.stringify(item.args, null, 2)}</pre>}
      {item.approval && (
        <div className={`agent-approval-line ${approval?.tone ?? ""}`}>
          <span>{approval?.text}</span>
          {item.approval.detail && <code className="agent-cmd">{item.approval.detail}</code>}
        </div>
      )}
      {item.changes.map((c) => (
        <FileChangeView key={c.seq} change={c} named={item.args.path === c.path} />
      ))}
      {checkpoint && (
        <div className="agent-step-actions">
          <button
            type="button"
            className="agent-link"
            title="Undo this step and every later one: the files go back to how they were before it (your own edits are kept; asks first)"
            onClick={() => void restoreStep(checkpoint)}
          >
            Restore checkpoint
          </button>
        </div>
      )}
      {item.result && (
        <div className={`agent-result ${item.result.ok ? "ok" : "error"}`} data-testid="agent-result">
          <div className="agent-result-head">
            <Toggle
              open={showResult}
              onClick={() => setShowResult(!showResult)}
              label={`${showResult ? "Hide" : "Show"} the result`}
            />
            <span className="agent-result-label">{item.result.ok ? "Result" : "Error"}</span>
            {!showResult && <span className="agent-result-first">{firstLine}</span>}
          </div>
          {showResult && <pre className="agent-pre">{item.result.output || "(no output)"}</pre>}
        </div>
      )}
    </div>
  );
}

function Finished({
  item,
  changeSetId,
}: {
  item: Extract<TimelineItem, { kind: "finished" }>;
  changeSetId: string | null;
}) {
  const { tone, text } = describeReason(item.reason);
  const usage = usageText(item.usage);
  return (
    <div className={`agent-finished ${tone}`} role="status" data-testid="agent-finished" data-reason={item.reason}>
      <div>{text}</div>
      <div className="agent-dim">
        {usage && <span>{usage} tokens</span>}
        {changeSetId && (
          <button type="button" className="agent-link" onClick={() => void openReview(changeSetId)}>
            Review all changes
          </button>
        )}
      </div>
    </div>
  );
}

export function Timeline({ items, changeSetId }: { items: TimelineItem[]; changeSetId: string | null }) {
  const finished = items.some((i) => i.kind === "finished");
  return (
    <ol className="agent-timeline" aria-label="Run steps">
      {items.map((item) => (
        <li key={item.seq} className={`agent-item ${item.kind}`} data-seq={item.seq}>
          {item.kind === "start" && (
            <div className="agent-dim">
              Started in {item.mode} mode{item.model ? ` with ${item.model}` : ""}
            </div>
          )}
          {item.kind === "message" && (
            <div className="agent-message" data-testid="agent-message">
              <Markdown text={item.text} />
            </div>
          )}
          {item.kind === "tool" && <ToolCard item={item} finished={finished} />}
          {item.kind === "error" && (
            <div className="agent-error-item" role="alert">
              {item.message}
            </div>
          )}
          {item.kind === "finished" && <Finished item={item} changeSetId={changeSetId} />}
        </li>
      ))}
    </ol>
  );
}
