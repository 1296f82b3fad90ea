// A file's source-control diff in Monaco's diff editor: index ↔ working tree (the file's own
// buffer on the right, editable) or HEAD ↔ index (read-only), with a bar above each hunk to
// stage, unstage or discard exactly that hunk.
import { useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { errorMessage } from "../api/http";
import { ensureBuffer, monaco, useIsDirty, useModel } from "../editor/editorApi";
import { showDialog } from "../stores/dialogs";
import { notifyError } from "../stores/notifications";
import { useSettings } from "../stores/settings";
import { basename } from "../util/paths";
import { hunkStat, zoneAfterLine } from "./hunkZones";
import { gitApi, type GitHunk } from "./scmApi";
import { refreshStatus, useScm } from "./scmStore";

const ZONE_HEIGHT = 28;
let counter = 0;

function textModel(text: string, path: string, side: string, language?: string): monaco.editor.ITextModel {
  const uri = monaco.Uri.from({ scheme: "pairpad-git", path: `/${path}`, query: `${side}-${++counter}` });
  return monaco.editor.createModel(text, language, uri);
}

/** The base side's text (HEAD or index), or "" when the file is not there. */
async function baseText(path: string, ref: "HEAD" | "index"): Promise<string> {
  const file = await gitApi.fileAt(path, ref);
  if (file.binary) throw new Error(`${path} is binary at ${ref}: no text diff`);
  return file.content ?? "";
}

export function ScmDiffTab({ path, staged }: { path: string; staged: boolean }) {
  const version = useScm((s) => s.version);
  const buffer = useModel(path);
  const dirty = useIsDirty(path);
  const [original, setOriginal] = useState<monaco.editor.ITextModel | null>(null);
  const [stagedSide, setStagedSide] = useState<monaco.editor.ITextModel | null>(null);
  const [hunks, setHunks] = useState<GitHunk[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The diff editor waits for the first texts (an empty base would flash as "all added").
  const [loaded, setLoaded] = useState(false);

  useEffect(() => {
    if (!staged) void ensureBuffer(path);
  }, [path, staged]);

  // Our own models (the base side, and the index side of a staged diff): made once, their
  // text replaced after every change to the repository.
  useEffect(() => {
    const left = textModel("", path, "base");
    const right = staged ? textModel("", path, "index") : null;
    setOriginal(left);
    setStagedSide(right);
    return () => {
      setOriginal(null);
      setStagedSide(null);
      // After the diff editor let go of them (it is unmounted in the same commit).
      setTimeout(() => [left, right].forEach((m) => m?.dispose()), 0);
    };
  }, [path, staged]);

  const language = buffer?.getLanguageId();
  useEffect(() => {
    for (const model of [original, stagedSide]) if (model && language) monaco.editor.setModelLanguage(model, language);
  }, [original, stagedSide, language]);

  useEffect(() => {
    if (!original) return;
    let cancelled = false;
    void (async () => {
      try {
        const [base, other, diff] = await Promise.all([
          baseText(path, staged ? "HEAD" : "index"),
          staged ? baseText(path, "index") : Promise.resolve(null),
          gitApi.diff(path, staged),
        ]);
        if (cancelled || original.isDisposed()) return;
        if (original.getValue() !== base) original.setValue(base);
        if (other !== null && stagedSide && !stagedSide.isDisposed() && stagedSide.getValue() !== other)
          stagedSide.setValue(other);
        setHunks(diff.hunks);
        setError(null);
        setLoaded(true);
      } catch (err) {
        if (!cancelled) setError(errorMessage(err));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [path, staged, version, original, stagedSide]);

  const modified = staged ? stagedSide : (buffer ?? null);
  const act = async (hunk: GitHunk, action: "stage" | "unstage" | "discard") => {
    if (action === "discard") {
      const choice = await showDialog({
        title: "Discard change",
        message: `Discard this change (${hunkStat(hunk)}) in ${basename(path)}? It cannot be undone.`,
        buttons: [
          { id: "discard", label: "Discard", danger: true, primary: true },
          { id: "cancel", label: "Cancel" },
        ],
        cancelId: "cancel",
      });
      if (choice !== "discard") return;
    }
    setBusy(true);
    try {
      if (action === "stage") await gitApi.stageHunk(path, hunk);
      else if (action === "unstage") await gitApi.unstageHunk(path, hunk);
      else await gitApi.discardHunk(path, hunk);
    } catch (err) {
      notifyError(`Could not ${action} the change`, err);
    } finally {
      setBusy(false);
      void refreshStatus();
    }
  };

  return (
    <>
      <div className="diff-header scm-diff-header">
        <span className="title">
          <strong>{basename(path)}</strong> —{" "}
          {staged ? "HEAD (left) ↔ staged (right)" : "staged (left) ↔ working tree (right, editable)"}
        </span>
        {!staged && dirty && <span className="scm-note">Save the file to stage or discard single changes.</span>}
        <span className="scm-count">
          {hunks.length} {hunks.length === 1 ? "change" : "changes"}
        </span>
      </div>
      <div className="editor-host">
        {error && <div className="editor-message">{error}</div>}
        {loaded && original && modified && (
          <DiffEditor
            original={original}
            modified={modified}
            readOnly={staged}
            hunks={hunks}
            path={path}
            render={(hunk, ordinal) => (
              <div className="scm-hunk-bar" data-testid="scm-hunk-bar">
                <span className="scm-hunk-title">
                  Change {ordinal} of {hunks.length} <span className="scm-stat">{hunkStat(hunk)}</span>
                </span>
                {staged ? (
                  <button
                    type="button"
                    className="btn scm-small"
                    aria-label={`Unstage change ${ordinal}`}
                    disabled={busy}
                    onClick={() => void act(hunk, "unstage")}
                  >
                    Unstage
                  </button>
                ) : (
                  <>
                    <button
                      type="button"
                      className="btn primary scm-small"
                      aria-label={`Stage change ${ordinal}`}
                      disabled={busy || dirty}
                      onClick={() => void act(hunk, "stage")}
                    >
                      Stage
                    </button>
                    <button
                      type="button"
                      className="btn scm-small"
                      aria-label={`Discard change ${ordinal}`}
                      disabled={busy || dirty}
                      onClick={() => void act(hunk, "discard")}
                    >
                      Discard
                    </button>
                  </>
                )}
              </div>
            )}
          />
        )}
      </div>
    </>
  );
}

interface DiffEditorProps {
  original: monaco.editor.ITextModel;
  modified: monaco.editor.ITextModel;
  readOnly: boolean;
  hunks: GitHunk[];
  path: string;
  render: (hunk: GitHunk, ordinal: number) => React.ReactNode;
}

function DiffEditor({ original, modified, readOnly, hunks, path, render }: DiffEditorProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const [editor, setEditor] = useState<monaco.editor.IStandaloneDiffEditor | null>(null);
  const [zones, setZones] = useState<{ hunk: GitHunk; node: HTMLElement }[]>([]);
  const fontSize = useSettings()["editor.fontSize"];

  useEffect(() => {
    const diff = monaco.editor.createDiffEditor(hostRef.current!, {
      automaticLayout: true,
      fixedOverflowWidgets: true,
      renderSideBySide: true,
      originalEditable: false,
      readOnly,
      ignoreTrimWhitespace: false,
      renderMarginRevertIcon: false,
    });
    setEditor(diff);
    return () => {
      setEditor(null);
      diff.setModel(null);
      diff.dispose();
    };
  }, [readOnly]);

  useEffect(() => {
    editor?.setModel({ original, modified });
  }, [editor, original, modified]);

  useEffect(() => {
    editor?.updateOptions({ fontSize });
  }, [editor, fontSize]);

  useEffect(() => {
    const side = editor?.getModifiedEditor();
    if (!side) return;
    const ids: string[] = [];
    const created: { hunk: GitHunk; node: HTMLElement }[] = [];
    side.changeViewZones((accessor) => {
      for (const hunk of hunks) {
        const node = document.createElement("div");
        node.className = "scm-hunk-zone";
        ids.push(accessor.addZone({ afterLineNumber: zoneAfterLine(hunk), heightInPx: ZONE_HEIGHT, domNode: node }));
        created.push({ hunk, node });
      }
    });
    setZones(created);
    return () => {
      setZones([]);
      side.changeViewZones((accessor) => ids.forEach((id) => accessor.removeZone(id)));
    };
  }, [editor, hunks, original, modified]);

  return (
    <>
      <div ref={hostRef} className="monaco scm-diff" data-testid="scm-diff" data-path={path} />
      {zones.map(({ hunk, node }, i) =>
        createPortal(render(hunk, i + 1), node, `${hunk.old_start}:${hunk.new_start}:${i}`),
      )}
    </>
  );
}
