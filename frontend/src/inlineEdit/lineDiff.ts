// The pure parts of the inline diff: which lines the edit touches, the lines it proposes, and a
// line diff (longest common subsequence) marking removed and added lines.

export interface EditRange {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** The whole lines a selection touches (a selection ending at column 1 does not touch that line). */
export function touchedLines(range: EditRange): { first: number; last: number } {
  const last = range.endLine > range.startLine && range.endColumn === 1 ? range.endLine - 1 : range.endLine;
  return { first: range.startLine, last };
}

/** Splits text into lines without their line ends; "" is one empty line, "a\n" is ["a"]. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * The touched lines as they would read after the edit: the text before the selection on its
 * first line, the replacement, the text after it on its last line.
 */
export function proposedLines(lineBefore: string, replacement: string, lineAfter: string): string[] {
  return splitLines(lineBefore + replacement + lineAfter);
}

export type Mark = "same" | "removed" | "added";

export interface LineDiff {
  /** One mark per original line: "same" or "removed". */
  before: Mark[];
  /** One mark per proposed line: "same" or "added". */
  after: Mark[];
}

/** Above this many cells the LCS table is skipped: every line counts as changed. */
const MAX_CELLS = 4_000_000;

export function diffLines(before: string[], after: string[]): LineDiff {
  const n = before.length;
  const m = after.length;
  const marks: LineDiff = { before: before.map(() => "removed"), after: after.map(() => "added") };
  if (n === 0 || m === 0 || n * m > MAX_CELLS) return marks;
  // lcs[i][j]: the longest common subsequence of before[i..] and after[j..].
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = before[i] === after[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (before[i] === after[j]) {
      marks.before[i++] = "same";
      marks.after[j++] = "same";
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      i++;
    } else {
      j++;
    }
  }
  return marks;
}

/** Proposed lines shown after an original line (index into the original lines; -1: before the first). */
export interface Insertion {
  after: number;
  lines: { text: string; mark: Mark }[];
}

/**
 * The inline diff to draw: the original lines to mark removed, and where the proposed lines
 * go. Each run of added lines follows the original line before it; a run of unchanged lines
 * needs nothing (the original shows it).
 */
export function inlineHunks(before: string[], after: string[]): { removed: number[]; insertions: Insertion[] } {
  const diff = diffLines(before, after);
  const removed = diff.before.flatMap((mark, index) => (mark === "removed" ? [index] : []));
  const insertions: Insertion[] = [];
  let i = 0; // the next original line
  for (let j = 0; j < after.length; j++) {
    if (diff.after[j] === "same") {
      // Skip removed originals up to and including this line's match.
      while (i < before.length && diff.before[i] === "removed") i++;
      i++;
      continue;
    }
    // Added: after the removed originals before the next unchanged one, so a replaced line
    // reads as its red original then its green replacement.
    while (i < before.length && diff.before[i] === "removed") i++;
    const anchor = i - 1;
    const last = insertions[insertions.length - 1];
    if (last && last.after === anchor) last.lines.push({ text: after[j], mark: "added" });
    else insertions.push({ after: anchor, lines: [{ text: after[j], mark: "added" }] });
  }
  return { removed, insertions };
}
