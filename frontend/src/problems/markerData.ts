// Conversions between problems and Monaco's marker data, without importing Monaco (testable
// in node): severities are Monaco's `MarkerSeverity` values.
import type { Problem, ProblemItem, Severity } from "./model";

export const MARKER_SEVERITY = { hint: 1, info: 2, warning: 4, error: 8 } as const;

/** The marker fields Pairpad sets and reads (a subset of `monaco.editor.IMarkerData`). */
export interface MarkerData {
  severity: number;
  message: string;
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
  code?: string;
  source?: string;
}

/** A marker as `monaco.editor.getModelMarkers` returns it. */
export interface ModelMarker {
  owner: string;
  resource: { scheme: string; path: string };
  severity: number;
  message: string;
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
  code?: string | { value: string };
  source?: string;
}

/** What the conversion needs of the file's text: a line's first non-blank and last column. */
export interface LineBounds {
  lineCount: number;
  firstColumn(line: number): number;
  maxColumn(line: number): number;
}

/**
 * A task's problem as marker data. Without an end: a problem at column 1 (pytest names only
 * a line) underlines the line's text; one at a column is an empty range, which Monaco widens
 * to the word there (ruff's `F401` on the import's name).
 */
export function toMarkerData(p: Problem, bounds?: LineBounds): MarkerData {
  const line = bounds ? Math.min(Math.max(1, p.line), Math.max(1, bounds.lineCount)) : Math.max(1, p.line);
  const column = Math.max(1, p.column);
  let start = column;
  let endLine = p.end_line ?? line;
  let endColumn = p.end_column ?? column;
  if (p.end_line == null && p.end_column == null && column === 1 && bounds) {
    start = Math.max(1, bounds.firstColumn(line));
    endColumn = Math.max(start, bounds.maxColumn(line));
    endLine = line;
  }
  return {
    severity: MARKER_SEVERITY[p.severity],
    message: p.message,
    startLineNumber: line,
    startColumn: start,
    endLineNumber: endLine,
    endColumn,
    ...(p.code ? { code: p.code } : {}),
    source: p.tool,
  };
}

function severityOf(marker: number): Severity {
  if (marker >= MARKER_SEVERITY.error) return "error";
  if (marker >= MARKER_SEVERITY.warning) return "warning";
  return "info";
}

/** A Monaco marker of a workspace file as a panel row; null for a model that is not a file. */
export function fromModelMarker(m: ModelMarker): ProblemItem | null {
  if (m.resource.scheme !== "file" || m.severity < MARKER_SEVERITY.info) return null;
  const code = typeof m.code === "string" ? m.code : (m.code?.value ?? null);
  return {
    path: m.resource.path.replace(/^\//, ""),
    line: m.startLineNumber,
    column: m.startColumn,
    endLine: m.endLineNumber,
    endColumn: m.endColumn,
    severity: severityOf(m.severity),
    message: m.message,
    code: code || null,
    tool: m.source || m.owner,
    owner: m.owner,
  };
}

/** A source's problems by path, for setting one file's markers at a time. */
export function byPath(problems: readonly Problem[]): Map<string, Problem[]> {
  const out = new Map<string, Problem[]>();
  for (const p of problems) {
    const list = out.get(p.path);
    if (list) list.push(p);
    else out.set(p.path, [p]);
  }
  return out;
}
