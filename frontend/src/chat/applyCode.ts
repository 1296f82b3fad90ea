// Pure helpers for a code block's Copy / Insert / Apply: its language, the file it is about, and
// the text the server's edit engine gets for it.

/**
 * The text "Apply" sends to the edit engine: the block fenced again with its language only (the
 * target file goes apart, resolved against the workspace), in a fence longer than any backtick
 * run inside it. A block of SEARCH/REPLACE markers is detected as such by the engine; any other
 * is the file's whole new content.
 */
export function engineText(lang: string, code: string): string {
  const runs = [...code.matchAll(/`{3,}/g)].map((m) => m[0].length);
  const fence = "`".repeat(Math.max(3, ...runs.map((n) => n + 1)));
  const body = code.endsWith("\n") ? code : `${code}\n`;
  return `${fence}${fenceLanguage(lang)}\n${body}${fence}\n`;
}

const ALIASES: Record<string, string> = {
  py: "python",
  js: "javascript",
  jsx: "javascript",
  ts: "typescript",
  tsx: "typescript",
  sh: "shell",
  bash: "shell",
  zsh: "shell",
  console: "shell",
  yml: "yaml",
  md: "markdown",
  rs: "rust",
  rb: "ruby",
  "c++": "cpp",
  cs: "csharp",
  kt: "kotlin",
  golang: "go",
};

/** A Monaco language id for a fence's info string, or "plaintext". */
export function languageFor(info: string, known: { id: string; aliases?: string[] }[]): string {
  const name = info.trim().toLowerCase();
  if (!name) return "plaintext";
  const wanted = ALIASES[name] ?? name;
  const found = known.find((l) => l.id === wanted || l.aliases?.some((a) => a.toLowerCase() === wanted));
  return found?.id ?? "plaintext";
}

// -- which file a code block is about ----------------------------------------------------------

const PATHLIKE = /^(?:\.{0,2}\/)?(?:[\w@+-][\w.@+-]*\/)*[\w@+-][\w.@+-]*\.[A-Za-z][\w]{0,9}$/;

function cleanPath(raw: string): string | null {
  const p = raw
    .trim()
    .replace(/^["'`*]+|["'`*:,;.)]+$/g, "")
    .replace(/^\.\//, "");
  if (!p || p.startsWith("/") || p.split("/").includes("..")) return null;
  return PATHLIKE.test(p) ? p : null;
}

/** The file a fence's info string names: ```python path/to/file.py, ```python:path/file.py,
 * ```path/file.py, or title=/file=/filename=/path= in the meta. */
export function fencePath(lang: string, meta: string): string | null {
  const colon = lang.indexOf(":");
  if (colon > 0) {
    const p = cleanPath(lang.slice(colon + 1));
    if (p) return p;
  }
  if (lang.includes(".") || lang.includes("/")) {
    const p = cleanPath(lang);
    if (p) return p;
  }
  for (const token of meta.split(/\s+/)) {
    const kv = /^(?:title|file|filename|path)=(.+)$/i.exec(token);
    const p = cleanPath(kv ? kv[1] : token);
    if (p) return p;
  }
  return null;
}

/** The last non-blank line of `markdown` before `offset` (where a fence starts). */
export function lineBefore(markdown: string, offset: number): string {
  const lines = markdown.slice(0, offset).split("\n");
  while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
  return lines.length ? lines[lines.length - 1] : "";
}

/** A path the line before a block names ("Here is `shop/orders.py`:", "**a/b.py**"): one in
 * backticks or bold, one with a folder, or one of the known files by name. */
export function pathInLine(line: string, known: string[] = []): string | null {
  if (!line || line.length > 240 || line.trimStart().startsWith("```")) return null;
  const quoted = [...line.matchAll(/`([^`]+)`|\*\*([^*]+)\*\*/g)].map((m) => cleanPath(m[1] ?? m[2] ?? ""));
  const firstQuoted = quoted.find((p): p is string => !!p);
  if (firstQuoted) return firstQuoted;
  const tokens = line
    .split(/\s+/)
    .map(cleanPath)
    .filter((p): p is string => !!p);
  const withFolder = tokens.find((p) => p.includes("/"));
  if (withFolder) return withFolder;
  return tokens.find((p) => known.some((k) => k === p || k.endsWith(`/${p}`))) ?? null;
}

/** A named path as a workspace path: a known file it is (the end of), or itself. */
export function resolvePath(named: string, known: string[]): string {
  if (known.includes(named)) return named;
  const matches = [...new Set(known.filter((k) => k.endsWith(`/${named}`)))];
  return matches.length === 1 ? matches[0] : named;
}

export type TargetReason = "fence" | "line" | "active";

export interface ApplyTarget {
  path: string;
  reason: TargetReason;
}

/**
 * Where "Apply" goes: the file the fence names, else one named on the line before the block
 * (either resolved against the files of the question's context), else the active editor's file.
 */
export function applyTarget(opts: {
  lang: string;
  meta: string;
  before: string;
  contextPaths: string[];
  activePath: string | null;
}): ApplyTarget | null {
  const known = [...new Set(opts.contextPaths)];
  const fence = fencePath(opts.lang, opts.meta);
  if (fence) return { path: resolvePath(fence, known), reason: "fence" };
  const line = pathInLine(opts.before, known);
  if (line) return { path: resolvePath(line, known), reason: "line" };
  if (opts.activePath) return { path: opts.activePath, reason: "active" };
  return null;
}

/** The language part of a fence's first word: "python" of "python:a.py", "py" of "a/b.py". */
export function fenceLanguage(lang: string): string {
  const colon = lang.indexOf(":");
  if (colon > 0) return lang.slice(0, colon);
  if (cleanPath(lang)) return lang.slice(lang.lastIndexOf(".") + 1);
  return lang;
}
