// The Problems panel's data, free of React and Monaco: one list of problems from every owner
// (a task's parsed output, Monaco's own workers), grouped by file, filtered and counted.
import type { ServerEvents } from "../api/schema";

/** A problem a task's output named (the server's `Problem` model). */
export type Problem = ServerEvents["problems:changed"]["problems"][number];

export type Severity = Problem["severity"];

/** One row of the panel: a task's problem or a Monaco marker, with the owner it came from. */
export interface ProblemItem {
  path: string;
  line: number;
  column: number;
  endLine: number | null;
  endColumn: number | null;
  severity: Severity;
  message: string;
  code: string | null;
  /** What reported it: `pytest`, `ruff`, `json`, `typescript`. */
  tool: string;
  /** Who owns it: a problems source (`task:test`) or a Monaco marker owner (`json`). */
  owner: string;
}

export interface FileProblems {
  path: string;
  items: ProblemItem[];
  errors: number;
  warnings: number;
}

export interface Counts {
  errors: number;
  warnings: number;
  infos: number;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function fromTaskProblem(owner: string, p: Problem): ProblemItem {
  return {
    path: p.path,
    line: p.line,
    column: p.column,
    endLine: p.end_line ?? null,
    endColumn: p.end_column ?? null,
    severity: p.severity,
    message: p.message,
    code: p.code ?? null,
    tool: p.tool,
    owner,
  };
}

/**
 * One list from every owner: the server's sources (owner = the source), the language servers'
 * diagnostics (owner `lsp:<server>`) and Monaco's own markers (owner = the marker's owner).
 */
export function mergeProblems(
  sources: Record<string, readonly Problem[]>,
  lsp: Record<string, Record<string, readonly Problem[]>>,
  editorMarkers: readonly ProblemItem[],
): ProblemItem[] {
  return [
    ...Object.entries(sources).flatMap(([owner, list]) => list.map((p) => fromTaskProblem(owner, p))),
    ...Object.entries(lsp).flatMap(([server, files]) =>
      Object.values(files).flatMap((list) => list.map((p) => fromTaskProblem(`lsp:${server}`, p))),
    ),
    ...editorMarkers,
  ];
}

export function countProblems(items: readonly ProblemItem[]): Counts {
  const counts = { errors: 0, warnings: 0, infos: 0 };
  for (const item of items) {
    if (item.severity === "error") counts.errors++;
    else if (item.severity === "warning") counts.warnings++;
    else counts.infos++;
  }
  return counts;
}

/** Whether a problem matches the filter box: every word, case-insensitive, in its text. */
export function matchesFilter(item: ProblemItem, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = `${item.path} ${item.message} ${item.tool} ${item.code ?? ""} ${item.owner}`.toLowerCase();
  return words.every((w) => text.includes(w));
}

/**
 * Groups by file: files with errors first, then by path; within a file by position, then by
 * severity. The same problem reported twice shows once, whoever reported it: a tool that
 * prints it twice, or ruff both as a task and as a language server (the first owner's row stays).
 */
export function groupProblems(items: readonly ProblemItem[], filter = ""): FileProblems[] {
  const byPath = new Map<string, Map<string, ProblemItem>>();
  for (const item of items) {
    if (!matchesFilter(item, filter)) continue;
    // By the message's first line: ruff's server adds a "help:" line its command-line output lacks.
    const key = `${item.line}\0${item.column}\0${item.severity}\0${item.code ?? ""}\0${item.message.split("\n", 1)[0]}`;
    let file = byPath.get(item.path);
    if (!file) byPath.set(item.path, (file = new Map<string, ProblemItem>()));
    if (!file.has(key)) file.set(key, item);
  }
  const groups = [...byPath.entries()].map(([path, unique]) => {
    const list = [...unique.values()].sort(
      (a, b) => a.line - b.line || a.column - b.column || RANK[a.severity] - RANK[b.severity],
    );
    const { errors, warnings } = countProblems(list);
    return { path, items: list, errors, warnings };
  });
  return groups.sort((a, b) => Number(b.errors > 0) - Number(a.errors > 0) || a.path.localeCompare(b.path));
}

/** `ruff(F401)`, `pytest`, `json`: the tool and the code it gave. */
export function toolLabel(item: Pick<ProblemItem, "tool" | "code">): string {
  return item.code ? `${item.tool}(${item.code})` : item.tool;
}
