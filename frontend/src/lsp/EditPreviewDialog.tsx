// The rename preview: every file the rename changes, each changed line before and after;
// Apply writes them all (through the file service), Cancel changes nothing.
import { useEffect, useRef } from "react";
import { FileIcon } from "../ui/fileIcons";
import { basename, dirname } from "../util/paths";
import { useEditPreview } from "./editPreview";

export function EditPreviewDialog() {
  const current = useEditPreview((s) => s.current);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!current) return;
    const previous = document.activeElement as HTMLElement | null;
    ref.current?.querySelector<HTMLButtonElement>("button.primary")?.focus();
    return () => previous?.focus?.();
  }, [current]);
  if (!current) return null;
  const edits = current.files.reduce((n, f) => n + f.edits, 0);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && current.resolve(false)}>
      <div
        ref={ref}
        className="dialog edit-preview"
        role="dialog"
        aria-modal="true"
        aria-labelledby="edit-preview-title"
        data-testid="edit-preview"
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            current.resolve(false);
          }
        }}
      >
        <h2 id="edit-preview-title">{current.title}</h2>
        <p className="detail">
          {edits} {edits === 1 ? "change" : "changes"} in {current.files.length}{" "}
          {current.files.length === 1 ? "file" : "files"}
        </p>
        <div className="edit-preview-files">
          {current.files.map((file) => (
            <section key={file.path} className="edit-preview-file" data-path={file.path}>
              <header>
                <FileIcon path={file.path} />
                <span className="name">{basename(file.path)}</span>
                <span className="dir">{dirname(file.path)}</span>
                {file.unsaved && (
                  <span className="tag" title="Applied to the unsaved editor, not to disk">
                    unsaved
                  </span>
                )}
                <span className="count">{file.edits}</span>
              </header>
              {file.error ? (
                <div className="edit-preview-error">Cannot show the lines: {file.error}</div>
              ) : (
                file.lines.map((line) => (
                  <div key={line.line} className="edit-preview-line">
                    <span className="ln">{line.line}</span>
                    <code className="before">{line.before.trim()}</code>
                    <code className="after">{line.after.trim()}</code>
                  </div>
                ))
              )}
            </section>
          ))}
        </div>
        <div className="buttons">
          <button type="button" className="btn" onClick={() => current.resolve(false)}>
            Cancel
          </button>
          <button type="button" className="btn primary" onClick={() => current.resolve(true)}>
            Apply
          </button>
        </div>
      </div>
    </div>
  );
}
