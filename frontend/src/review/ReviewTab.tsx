// "Review changes": an editor tab with the change sets to review. At the left the sets, their
// files (status and review state, Accept / Reject per file) and the selected file's hunks; at
// the right the file's diff with Accept / Reject per hunk; above, Accept all / Reject all.
// Checkpoints are listed under the files.
import { openFile } from "../editor/editorApi";
import { basename, dirname } from "../util/paths";
import { CheckpointList } from "./CheckpointList";
import { formatWhen, hunkLabel, hunkStat, pendingTotals, reviewCountDetail } from "./hunks";
import { ReviewDiff } from "./ReviewDiff";
import { revealHunk } from "./shownDiff";
import { decide, decideAll, dismissError, select, useReview } from "./reviewStore";
import type { ChangeSet, ChangeSetFile, Hunk } from "./types";

const STATUS_LETTER: Record<ChangeSetFile["status"], string> = { modified: "M", created: "A", deleted: "D" };
const REVIEW_TEXT: Record<ChangeSetFile["review"], string> = {
  pending: "pending",
  accepted: "accepted",
  rejected: "rejected",
  partial: "partly accepted",
};

export function ReviewTab() {
  const sets = useReview((s) => s.sets);
  const order = useReview((s) => s.order);
  const selected = useReview((s) => s.selected);
  const error = useReview((s) => s.error);
  const busy = useReview((s) => s.busy);
  const shown = order.map((id) => sets[id]).filter((s): s is ChangeSet => !!s);
  const totals = pendingTotals(shown);
  const set = selected ? sets[selected.setId] : undefined;
  const file = set?.files.find((f) => f.path === selected?.path);

  return (
    <div className="review" data-testid="review">
      <div className="diff-header review-header">
        <span className="title">
          <strong>Review changes</strong> —{" "}
          {totals.hunks ? `${reviewCountDetail(totals.hunks, totals.files)} pending` : "nothing pending"}
        </span>
        <button
          type="button"
          className="btn primary"
          disabled={busy || !totals.hunks}
          onClick={() => void decideAll("accept")}
        >
          Accept All
        </button>
        <button type="button" className="btn" disabled={busy || !totals.hunks} onClick={() => void decideAll("reject")}>
          Reject All
        </button>
      </div>
      {error && (
        <div className="editor-bar error" role="alert" data-testid="review-error">
          <span className="message review-error-text">{error}</span>
          <button type="button" className="btn" onClick={dismissError}>
            Dismiss
          </button>
        </div>
      )}
      <div className="review-body">
        <aside className="review-side">
          <section aria-label="Changes" className="review-sets">
            {shown.length === 0 && <p className="review-empty">No changes to review.</p>}
            {shown.map((s) => (
              <ChangeSetBlock key={s.id} set={s} selectedPath={selected?.setId === s.id ? selected.path : null} />
            ))}
          </section>
          <CheckpointList />
        </aside>
        <div className="review-main">
          {set && file ? (
            <>
              <div className="diff-header">
                <span className="title">
                  <strong>{file.path}</strong> ({file.status}, {REVIEW_TEXT[file.review]}) — before (left) ↔ now on disk
                  (right)
                </span>
                {file.status !== "deleted" && (
                  <button type="button" className="btn" onClick={() => openFile(file.path)}>
                    Open File
                  </button>
                )}
              </div>
              <div className="editor-host">
                <ReviewDiff
                  key={`${set.id}:${file.path}`}
                  setId={set.id}
                  file={file}
                  busy={busy}
                  onHunk={(hunk, action) => void decide(action, set.id, { path: file.path, hunk })}
                />
              </div>
            </>
          ) : (
            <div className="editor-message">
              Nothing selected. Changes applied from the chat show up here for you to accept or reject.
            </div>
          )}
        </div>
      </div>
    </div>
  );
}

function ChangeSetBlock({ set, selectedPath }: { set: ChangeSet; selectedPath: string | null }) {
  const busy = useReview((s) => s.busy);
  return (
    <div className="review-set" data-set={set.id}>
      <div className="review-set-head" title={`${set.title} (${set.source}, ${set.created_at})`}>
        <span className="review-set-title">{set.title || set.source}</span>
        <span className="review-dim">
          {set.source} · {formatWhen(set.created_at)}
          {set.status === "reviewed" ? " · reviewed" : set.status === "reverted" ? " · undone by a restore" : ""}
        </span>
      </div>
      <ul className="review-files">
        {set.files.map((file) => (
          <li key={file.path}>
            <div
              className={`review-file${file.path === selectedPath ? " selected" : ""}`}
              data-path={file.path}
              data-review={file.review}
            >
              <button
                type="button"
                className="review-file-name"
                aria-current={file.path === selectedPath}
                title={file.path}
                onClick={() => select({ setId: set.id, path: file.path })}
              >
                <span className={`review-letter ${file.status}`}>{STATUS_LETTER[file.status]}</span>
                <span className="review-path">
                  {basename(file.path)} <span className="review-dim">{dirname(file.path)}</span>
                </span>
                <span className={`review-state ${file.review}`}>
                  {file.pending_hunks > 0 && file.review !== "pending"
                    ? `${file.pending_hunks} pending`
                    : REVIEW_TEXT[file.review]}
                </span>
              </button>
              {file.pending_hunks > 0 && (
                <>
                  <button
                    type="button"
                    className="btn primary review-small"
                    disabled={busy}
                    aria-label={`Accept ${file.path}`}
                    title="Accept every change of this file"
                    onClick={() => void decide("accept", set.id, { path: file.path })}
                  >
                    Accept
                  </button>
                  <button
                    type="button"
                    className="btn review-small"
                    disabled={busy}
                    aria-label={`Reject ${file.path}`}
                    title="Reject every pending change of this file (puts its lines back on disk)"
                    onClick={() => void decide("reject", set.id, { path: file.path })}
                  >
                    Reject
                  </button>
                </>
              )}
            </div>
            {file.path === selectedPath && file.hunks.length > 0 && (
              <HunkList setId={set.id} path={file.path} hunks={file.hunks} />
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

function HunkList({ setId, path, hunks }: { setId: string; path: string; hunks: Hunk[] }) {
  const busy = useReview((s) => s.busy);
  return (
    <ul className="review-hunks" aria-label={`Changes in ${path}`}>
      {hunks.map((hunk, i) => (
        <li key={hunk.index} className={`review-hunk ${hunk.state}`} data-hunk={hunk.index} data-state={hunk.state}>
          <button type="button" className="review-hunk-link" title="Show in the diff" onClick={() => revealHunk(hunk)}>
            {i + 1}. {hunkLabel(hunk)} <span className="review-stat">{hunkStat(hunk)}</span>
          </button>
          {hunk.state === "pending" ? (
            <>
              <button
                type="button"
                className="icon-text"
                disabled={busy}
                title="Accept this change"
                aria-label={`Accept ${hunkLabel(hunk)}`}
                onClick={() => void decide("accept", setId, { path, hunk: hunk.index })}
              >
                ✓
              </button>
              <button
                type="button"
                className="icon-text"
                disabled={busy}
                title="Reject this change (puts its lines back on disk)"
                aria-label={`Reject ${hunkLabel(hunk)}`}
                onClick={() => void decide("reject", setId, { path, hunk: hunk.index })}
              >
                ✕
              </button>
            </>
          ) : (
            <span className={`review-state ${hunk.state}`}>{hunk.state}</span>
          )}
        </li>
      ))}
    </ul>
  );
}
