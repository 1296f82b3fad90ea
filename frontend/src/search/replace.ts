// Replace in files, the pure part: which matches a line holds, what each becomes (the preview),
// and a file's new content with the chosen matches replaced — refused when the file no longer
// holds what the search saw (it changed since), so nothing is overwritten blind.
import type { SearchMatch } from "../api/types";

export interface QueryOptions {
  regex: boolean;
  caseSensitive: boolean;
}

/** The query as a global JS regex (null when it does not compile). */
export function queryRegex(query: string, opts: QueryOptions): RegExp | null {
  if (!query) return null;
  try {
    const source = opts.regex ? query : query.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(source, opts.caseSensitive ? "gu" : "giu");
  } catch {
    return null;
  }
}

export interface LineMatch {
  /** 0-based [start, end) in the line (JS string indices). */
  start: number;
  end: number;
  text: string;
  /** What it becomes ($1, $& and $<name> expanded in regex mode). */
  replacement: string;
}

/** Every match of the query in `line`, with its replacement. */
export function lineMatches(line: string, re: RegExp, replace: string, regexMode: boolean): LineMatch[] {
  const out: LineMatch[] = [];
  const g = new RegExp(re.source, re.flags.includes("g") ? re.flags : `${re.flags}g`);
  let m: RegExpExecArray | null;
  while ((m = g.exec(line)) && out.length < 1000) {
    if (m[0].length === 0) {
      g.lastIndex++;
      continue;
    }
    out.push({
      start: m.index,
      end: m.index + m[0].length,
      text: m[0],
      replacement: regexMode ? expandReplacement(replace, m) : replace,
    });
  }
  return out;
}

/** `$$`, `$&`, `$1`…`$99` and `$<name>` as String.prototype.replace expands them. */
export function expandReplacement(template: string, m: RegExpExecArray): string {
  return template.replace(/\$(\$|&|<([^>]+)>|(\d{1,2}))/g, (whole, what: string, name?: string, num?: string) => {
    if (what === "$") return "$";
    if (what === "&") return m[0];
    if (name !== undefined) return m.groups?.[name] ?? "";
    const n = Number(num);
    return n > 0 && n < m.length ? (m[n] ?? "") : whole;
  });
}

/** A match chosen for replacing: the n-th match (0-based) on a 1-based line. */
export interface Chosen {
  line: number;
  ordinal: number;
}

export type FilePlan = { ok: true; content: string; replaced: number } | { ok: false; reason: string };

/** The search's view of a line: its text without the "…" cut marks, and whether it was cut. */
function seenText(match: SearchMatch): { text: string; cut: boolean } {
  let text = match.text;
  const cutBefore = text.startsWith("…") && (match.text_start ?? 1) > 1;
  if (cutBefore) text = text.slice(1);
  const cutAfter = text.endsWith("…");
  if (cutAfter) text = text.slice(0, -1);
  return { text, cut: cutBefore || cutAfter };
}

/**
 * `content` (the file as read now) with the chosen matches replaced. Each line with a chosen match
 * must still read as the search saw it and hold as many matches; otherwise the file changed since
 * the search and the plan says so (nothing is replaced in that file).
 */
export function planFile(
  content: string,
  seen: SearchMatch[],
  chosen: Chosen[],
  query: string,
  replace: string,
  opts: QueryOptions,
): FilePlan {
  const re = queryRegex(query, opts);
  if (!re) return { ok: false, reason: "the search text is not a valid expression" };
  const lines = content.split("\n");
  const byLine = new Map<number, Set<number>>();
  for (const c of chosen) byLine.set(c.line, (byLine.get(c.line) ?? new Set()).add(c.ordinal));
  let replaced = 0;
  for (const [lineNo, ordinals] of byLine) {
    const raw = lines[lineNo - 1];
    const saw = seen.find((s) => s.line === lineNo);
    if (raw === undefined || !saw) return { ok: false, reason: `line ${lineNo} changed since the search` };
    const cr = raw.endsWith("\r") ? "\r" : "";
    const line = cr ? raw.slice(0, -1) : raw;
    const { text, cut } = seenText(saw);
    const same = cut ? line.includes(text) : line === text;
    const matches = lineMatches(line, re, replace, opts.regex);
    const expected = saw.ranges?.length ?? matches.length;
    if (!same || matches.length !== expected) return { ok: false, reason: `line ${lineNo} changed since the search` };
    let out = "";
    let pos = 0;
    matches.forEach((m, i) => {
      if (!ordinals.has(i)) return;
      out += line.slice(pos, m.start) + m.replacement;
      pos = m.end;
      replaced++;
    });
    lines[lineNo - 1] = out + line.slice(pos) + cr;
  }
  return { ok: true, content: lines.join("\n"), replaced };
}

/** Splits a comma-separated glob list (commas inside `{a,b}` do not split). */
export function splitGlobs(raw: string): string[] {
  const out: string[] = [];
  let current = "";
  let depth = 0;
  for (const ch of raw) {
    if (ch === "{") depth++;
    else if (ch === "}" && depth) depth--;
    if (ch === "," && depth === 0) {
      out.push(current);
      current = "";
    } else current += ch;
  }
  out.push(current);
  return out.map((g) => g.trim()).filter(Boolean);
}

/** The search's glob parameter: the includes, then each exclude as `!glob`. */
export function combineGlobs(include: string, exclude: string): string {
  const excludes = splitGlobs(exclude).map((g) => (g.startsWith("!") ? g : `!${g}`));
  return [...splitGlobs(include), ...excludes].join(",");
}
