// LSP <-> Monaco shapes, free of Monaco (unit-tested in node). LSP positions are 0-based lines
// and UTF-16 code unit offsets; Monaco's are 1-based lines and columns, also counted in UTF-16
// code units (a JavaScript string's indices): so a column is the character + 1, no re-counting
// of surrogate pairs. What needs care is clamping: servers send positions past a line's end or
// one line past the last (a range "to the end of the file").
import type { CodeAction, LspPosition, LspRange, TextEdit, WorkspaceEdit } from "./protocol";

export interface MonacoPosition {
  lineNumber: number;
  column: number;
}

export interface MonacoRange {
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
}

/** What clamping needs of a document: its line count and each (1-based) line's length. */
export interface LineSource {
  lineCount: number;
  lineLength(lineNumber: number): number;
}

export function toLspPosition(p: MonacoPosition): LspPosition {
  return { line: Math.max(0, p.lineNumber - 1), character: Math.max(0, p.column - 1) };
}

export function toLspRange(r: MonacoRange): LspRange {
  return {
    start: toLspPosition({ lineNumber: r.startLineNumber, column: r.startColumn }),
    end: toLspPosition({ lineNumber: r.endLineNumber, column: r.endColumn }),
  };
}

/** An LSP position as a Monaco one, kept inside the document when `lines` is known. */
export function toMonacoPosition(p: LspPosition, lines?: LineSource): MonacoPosition {
  const lineNumber = Math.max(1, p.line + 1);
  const column = Math.max(1, p.character + 1);
  if (!lines) return { lineNumber, column };
  const count = Math.max(1, lines.lineCount);
  // A position past the last line is the end of the document.
  if (lineNumber > count) return { lineNumber: count, column: lines.lineLength(count) + 1 };
  return { lineNumber, column: Math.min(column, lines.lineLength(lineNumber) + 1) };
}

export function toMonacoRange(r: LspRange, lines?: LineSource): MonacoRange {
  const start = toMonacoPosition(r.start, lines);
  const end = toMonacoPosition(r.end, lines);
  return {
    startLineNumber: start.lineNumber,
    startColumn: start.column,
    endLineNumber: end.lineNumber,
    endColumn: end.column,
  };
}

/** A string's lines (LSP counts \r\n, \n and \r as line ends) as a LineSource. */
export function linesOf(text: string): LineSource & { lines: string[] } {
  const lines = text.split(/\r\n|\r|\n/);
  return { lines, lineCount: lines.length, lineLength: (n) => lines[n - 1]?.length ?? 0 };
}

/** The string offset of an LSP position in `text` (clamped to the line and the text). */
export function offsetAt(text: string, p: LspPosition): number {
  let offset = 0;
  for (let line = 0; line < p.line; line++) {
    const nl = text.slice(offset).search(/\r\n|\r|\n/);
    if (nl < 0) return text.length;
    offset += nl + (text.startsWith("\r\n", offset + nl) ? 2 : 1);
  }
  const rest = text.slice(offset);
  const end = rest.search(/\r\n|\r|\n/);
  const lineLength = end < 0 ? rest.length : end;
  return offset + Math.min(Math.max(0, p.character), lineLength);
}

function comparePositions(a: LspPosition, b: LspPosition): number {
  return a.line - b.line || a.character - b.character;
}

/** Applies non-overlapping text edits (in any order) to a text, as LSP specifies. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits]
    .map((edit, index) => ({ edit, index }))
    // Last first, so earlier offsets stay valid; inserts at one spot keep their given order.
    .sort((a, b) => comparePositions(b.edit.range.start, a.edit.range.start) || b.index - a.index);
  let out = text;
  for (const { edit } of sorted) {
    const start = offsetAt(out, edit.range.start);
    const end = Math.max(start, offsetAt(out, edit.range.end));
    out = out.slice(0, start) + edit.newText + out.slice(end);
  }
  return out;
}

export interface FileEdits {
  path: string;
  edits: TextEdit[];
}

/** A WorkspaceEdit as per-file edit lists (files by path, edits in document order); empty lists dropped. */
export function workspaceEditFiles(edit: WorkspaceEdit | null | undefined): FileEdits[] {
  return Object.entries(edit?.changes ?? {})
    .filter(([, edits]) => edits.length > 0)
    .map(([path, edits]) => ({
      path,
      edits: [...edits].sort((a, b) => comparePositions(a.range.start, b.range.start)),
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** A code action that would change nothing: no edit (or an empty one), no command, nothing to
 * resolve. typescript-language-server lists its source actions ("Add all missing imports",
 * "Remove all unused code") even when the file has nothing for them, or before its diagnostics. */
export function changesNothing(action: CodeAction): boolean {
  return workspaceEditFiles(action.edit).length === 0 && !action.command && action.data === undefined;
}

/** The files of an edit split by where they are applied: buffers with unsaved edits, or the disk. */
export function splitByBuffer(
  files: readonly FileEdits[],
  isDirty: (path: string) => boolean,
): { inBuffers: FileEdits[]; onDisk: FileEdits[] } {
  return {
    inBuffers: files.filter((f) => isDirty(f.path)),
    onDisk: files.filter((f) => !isDirty(f.path)),
  };
}

/** One changed line of a preview: its 1-based number, the text before and after. */
export interface PreviewLine {
  line: number;
  before: string;
  after: string;
}

/**
 * The lines an edit list changes, for a preview: each line touched by an edit, before and
 * after applying every edit on it (an edit spanning lines shows from its first line).
 */
export function previewLines(text: string, edits: readonly TextEdit[]): PreviewLine[] {
  const { lines } = linesOf(text);
  const byLine = new Map<number, TextEdit[]>();
  for (const edit of edits) {
    const line = edit.range.start.line;
    byLine.set(line, [...(byLine.get(line) ?? []), edit]);
  }
  return [...byLine.entries()]
    .sort(([a], [b]) => a - b)
    .map(([line, mine]) => {
      const lastLine = Math.max(...mine.map((e) => e.range.end.line));
      const before = lines.slice(line, lastLine + 1).join("\n");
      const shifted = mine.map((e) => ({
        newText: e.newText,
        range: {
          start: { line: e.range.start.line - line, character: e.range.start.character },
          end: { line: e.range.end.line - line, character: e.range.end.character },
        },
      }));
      return { line: line + 1, before, after: applyTextEdits(before, shifted) };
    });
}

/** Whether a location's path is a workspace file the editor can open (not a stdlib stub outside it). */
export function isWorkspacePath(path: string): boolean {
  return path.length > 0 && !path.startsWith("/") && !/^[a-z][a-z0-9+.-]*:/i.test(path) && !path.startsWith("..");
}
