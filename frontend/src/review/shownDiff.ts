// The review's diff editor on screen, so the hunk list can scroll it to a hunk.
import type { monaco } from "../editor/editorApi";
import { hunkRevealRange } from "./hunks";
import type { Hunk } from "./types";

let shown: monaco.editor.IStandaloneDiffEditor | null = null;

export function trackShownDiff(editor: monaco.editor.IStandaloneDiffEditor): () => void {
  shown = editor;
  return () => {
    if (shown === editor) shown = null;
  };
}

/** Scrolls the shown diff to a hunk (from the hunk list). */
export function revealHunk(hunk: Hunk): void {
  const { start, end } = hunkRevealRange(hunk);
  shown?.getModifiedEditor().revealLinesInCenter(start, end);
}
