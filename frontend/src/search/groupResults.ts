import type { SearchMatch } from "../api/types";

export interface FileMatches {
  path: string;
  matches: SearchMatch[];
}

/** Groups matches by file, keeping the server's file order and sorting lines within a file. */
export function groupByFile(results: SearchMatch[]): FileMatches[] {
  const byPath = new Map<string, SearchMatch[]>();
  for (const r of results) {
    const list = byPath.get(r.path);
    if (list) list.push(r);
    else byPath.set(r.path, [r]);
  }
  return [...byPath.entries()].map(([path, matches]) => ({
    path,
    matches: matches.sort((a, b) => a.line - b.line || a.column - b.column),
  }));
}

export interface MatchRange {
  start: number;
  end: number;
}

/** Where the query matches within one result line, for highlighting (best effort, client side). */
export function matchRanges(
  text: string,
  query: string,
  opts: { regex: boolean; caseSensitive: boolean },
): MatchRange[] {
  if (!query) return [];
  let re: RegExp;
  try {
    const source = opts.regex ? query : query.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    re = new RegExp(source, opts.caseSensitive ? "g" : "gi");
  } catch {
    return [];
  }
  const out: MatchRange[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) && out.length < 50) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    out.push({ start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** Trims long lines around the first match so it stays visible in a narrow panel. */
export function previewWindow(text: string, firstMatch: number, maxLead = 14): { text: string; offset: number } {
  const leading = text.length - text.trimStart().length;
  let start = leading;
  if (firstMatch - start > maxLead) start = firstMatch - maxLead;
  return { text: (start > leading ? "…" : "") + text.slice(start), offset: start - (start > leading ? 1 : 0) };
}
