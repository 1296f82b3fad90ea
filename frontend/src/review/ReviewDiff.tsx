// One file of a change set in Monaco's diff editor: before (left) ↔ what the change set leaves
// on disk (right), with an Accept / Reject bar above each pending hunk (a view zone of the
// modified side; the diff editor aligns the original side around it).
import { useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { monaco } from "../editor/editorApi";
import { useSettings } from "../stores/settings";
import { trackShownDiff } from "./shownDiff";
import { hunkLabel, hunkRevealRange, hunkStat, zoneAfterLine } from "./hunks";
import type { ChangeSetFile, Hunk } from "./types";

const ZONE_HEIGHT = 30;
let modelCounter = 0;

interface Props {
  setId: string;
  file: ChangeSetFile;
  busy: boolean;
  onHunk: (index: number, action: "accept" | "reject") => void;
}

interface Zone {
  hunk: Hunk;
  /** 1-based position among the file's hunks (what the user reads). */
  ordinal: number;
  node: HTMLElement;
}

/** Keyed by set and path: a new file gets a new editor. */
export function ReviewDiff({ setId, file, busy, onHunk }: Props) {
  const hostRef = useRef<HTMLDivElement>(null);
  const [editor, setEditor] = useState<monaco.editor.IStandaloneDiffEditor | null>(null);
  const [zones, setZones] = useState<Zone[]>([]);
  const hunks = file.hunks;
  const settings = useSettings();
  const fontSize = settings["editor.fontSize"];
  const initial = useRef({ path: file.path, before: file.before, after: file.after, setId, hunks: file.hunks });

  useEffect(() => {
    const { path, before, after } = initial.current;
    const n = ++modelCounter;
    const uri = (side: string) =>
      monaco.Uri.from({ scheme: "pairpad-review", path: `/${path}`, query: `${initial.current.setId}-${side}-${n}` });
    const original = monaco.editor.createModel(before ?? "", undefined, uri("before"));
    const modified = monaco.editor.createModel(after ?? "", undefined, uri("after"));
    const diff = monaco.editor.createDiffEditor(hostRef.current!, {
      automaticLayout: true,
      fixedOverflowWidgets: true,
      renderSideBySide: true,
      originalEditable: false,
      readOnly: true,
      ignoreTrimWhitespace: false,
      renderMarginRevertIcon: false,
      scrollBeyondLastLine: false,
    });
    diff.setModel({ original, modified });
    // Opened at the file's first pending change (else its first), not at line 1: in a long
    // file the change is otherwise off screen. Once the diff is computed, as its alignment
    // moves lines.
    const { hunks: atOpen } = initial.current;
    const first = atOpen.find((h) => h.state === "pending") ?? atOpen[0];
    const revealFirst = diff.onDidUpdateDiff(() => {
      revealFirst.dispose();
      if (!first) return;
      const { start, end } = hunkRevealRange(first);
      diff.getModifiedEditor().revealLinesInCenterIfOutsideViewport(start, end);
    });
    const untrack = trackShownDiff(diff);
    setEditor(diff);
    return () => {
      revealFirst.dispose();
      untrack();
      setEditor(null);
      diff.setModel(null);
      diff.dispose();
      original.dispose();
      modified.dispose();
    };
  }, []);

  useEffect(() => {
    editor?.updateOptions({ fontSize });
  }, [editor, fontSize]);

  // A decision changes what is on disk (a rejected hunk is put back): follow it in place.
  useEffect(() => {
    const model = editor?.getModel();
    if (!model) return;
    if (model.original.getValue() !== (file.before ?? "")) model.original.setValue(file.before ?? "");
    if (model.modified.getValue() !== (file.after ?? "")) model.modified.setValue(file.after ?? "");
  }, [editor, file.before, file.after]);

  useEffect(() => {
    const modified = editor?.getModifiedEditor();
    if (!modified) return;
    const created: Zone[] = [];
    const ids: string[] = [];
    modified.changeViewZones((accessor) => {
      hunks.forEach((hunk, i) => {
        if (hunk.state !== "pending") return;
        const node = document.createElement("div");
        node.className = "review-hunk-zone";
        ids.push(accessor.addZone({ afterLineNumber: zoneAfterLine(hunk), heightInPx: ZONE_HEIGHT, domNode: node }));
        created.push({ hunk, ordinal: i + 1, node });
      });
    });
    setZones(created);
    return () => {
      setZones([]);
      modified.changeViewZones((accessor) => ids.forEach((id) => accessor.removeZone(id)));
    };
  }, [editor, hunks]);

  const total = file.hunks.length;
  return (
    <>
      <div ref={hostRef} className="monaco review-diff" data-testid="review-diff" data-path={file.path} />
      {zones.map(({ hunk, ordinal, node }) =>
        createPortal(
          <div className="review-hunk-bar" data-testid="review-hunk-bar" data-hunk={hunk.index}>
            <span className="review-hunk-title">
              Change {ordinal} of {total} · {hunkLabel(hunk)} <span className="review-stat">{hunkStat(hunk)}</span>
            </span>
            <button
              type="button"
              className="btn primary review-small"
              disabled={busy}
              aria-label={`Accept change ${ordinal}`}
              onClick={() => onHunk(hunk.index, "accept")}
            >
              Accept
            </button>
            <button
              type="button"
              className="btn review-small"
              disabled={busy}
              aria-label={`Reject change ${ordinal}`}
              onClick={() => onHunk(hunk.index, "reject")}
            >
              Reject
            </button>
          </div>,
          node,
          `${setId}:${file.path}:${hunk.index}`,
        ),
      )}
    </>
  );
}
