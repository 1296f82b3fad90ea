// Shown above a file whose disk version moved under unsaved edits (or rejected a save):
// the user decides — Compare, Overwrite or Revert. Nothing is ever overwritten silently.
import { WarningIcon } from "../ui/icons";
import { basename } from "../util/paths";
import { openCompare } from "./actions";
import { overwriteBuffer, revertBuffer, type BufferState } from "./buffers";

export function ConflictBar({ buffer }: { buffer: BufferState }) {
  const conflict = buffer.conflict;
  if (!conflict) return null;
  const name = basename(buffer.path);
  const deleted = conflict.reason === "deleted";
  const message = deleted
    ? `${name} was deleted on disk.${buffer.dirty ? " Your unsaved changes are kept here." : ""}`
    : conflict.reason === "save-rejected"
      ? `Save refused: ${name} changed on disk since you opened it. Nothing was written.`
      : `${name} changed on disk while you have unsaved changes.`;
  return (
    <div className="editor-bar" role="alert" data-testid="conflict-bar">
      <span className="message">
        <WarningIcon />
        <span>{message}</span>
      </span>
      {!deleted && (
        <button type="button" className="btn" onClick={() => openCompare(buffer.path)}>
          Compare
        </button>
      )}
      <button type="button" className="btn primary" onClick={() => void overwriteBuffer(buffer.path)}>
        {deleted ? "Save (re-create)" : "Overwrite"}
      </button>
      <button type="button" className="btn" onClick={() => void revertBuffer(buffer.path)}>
        {deleted ? "Close" : "Revert"}
      </button>
    </div>
  );
}
