// The review's "Checkpoints" section: each snapshot taken before a change set was applied
// (time, source, title, files), newest first, with Restore; a refused restore's conflicts.
import { useEffect } from "react";
import { dismissRefusal, loadCheckpoints, restoreCheckpoint, useCheckpoints } from "./checkpoints";
import { checkpointName, filesSummary, formatWhen } from "./hunks";
import { useReview } from "./reviewStore";

export function CheckpointList() {
  const list = useCheckpoints((s) => s.list);
  const loadError = useCheckpoints((s) => s.loadError);
  const refused = useCheckpoints((s) => s.refused);
  const restoring = useCheckpoints((s) => s.restoring);
  // Every review event may come with a new checkpoint (an apply, a restore).
  const events = useReview((s) => s.events);

  useEffect(() => {
    void loadCheckpoints();
  }, [events]);

  return (
    <section className="review-checkpoints" aria-label="Checkpoints">
      <h3>Checkpoints</h3>
      {loadError && <p className="review-empty">Could not load the checkpoints: {loadError}</p>}
      {list && list.length === 0 && (
        <p className="review-empty">None yet: one is taken before each change from the AI is written.</p>
      )}
      {refused && (
        <div className="review-refused" role="alert">
          <p>Restore refused: {refused.detail}</p>
          {refused.conflicts.length > 0 && (
            <ul>
              {refused.conflicts.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
          <button type="button" className="btn review-small" onClick={dismissRefusal}>
            Dismiss
          </button>
        </div>
      )}
      <ul className="review-checkpoint-list">
        {list?.map((cp) => (
          <li key={cp.id} className="review-checkpoint" data-checkpoint={cp.id} title={cp.files.join("\n")}>
            <div className="review-checkpoint-text">
              <span className="review-checkpoint-title">{checkpointName(cp)}</span>
              <span className="review-dim">
                {formatWhen(cp.created_at)} · {cp.source} · {filesSummary(cp.files)}
              </span>
            </div>
            <button
              type="button"
              className="btn review-small"
              disabled={restoring !== null}
              aria-label={`Restore checkpoint ${checkpointName(cp)}`}
              onClick={() => void restoreCheckpoint(cp)}
            >
              {restoring === cp.id ? "Restoring…" : "Restore"}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
