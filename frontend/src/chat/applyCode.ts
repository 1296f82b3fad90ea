// Pure helpers for "Apply to file": where a code block goes in the file.

/** Offset of a 1-based line/column in text (columns count UTF-16 units, as Monaco does). */
export function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return Math.min(offset + column - 1, text.length);
}

export interface Range {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/**
 * The file as it would be with the code applied: the selection replaced when there is one,
 * otherwise the whole file (the user reviews it in a diff before anything changes).
 */
export function proposeContent(current: string, code: string, selection: Range | null): string {
  if (!selection) return code.endsWith("\n") || !current.endsWith("\n") ? code : `${code}\n`;
  const start = offsetOf(current, selection.startLine, selection.startColumn);
  const end = offsetOf(current, selection.endLine, selection.endColumn);
  return current.slice(0, start) + code + current.slice(end);
}

const ALIASES: Record<string, string> = {
  py: "python", js: "javascript", jsx: "javascript", ts: "typescript", tsx: "typescript",
  sh: "shell", bash: "shell", zsh: "shell", console: "shell", yml: "yaml", md: "markdown",
  rs: "rust", rb: "ruby", "c++": "cpp", cs: "csharp", kt: "kotlin", golang: "go",
};

/** A Monaco language id for a fence's info string, or "plaintext". */
export function languageFor(info: string, known: { id: string; aliases?: string[] }[]): string {
  const name = info.trim().toLowerCase();
  if (!name) return "plaintext";
  const wanted = ALIASES[name] ?? name;
  const found = known.find((l) => l.id === wanted || l.aliases?.some((a) => a.toLowerCase() === wanted));
  return found?.id ?? "plaintext";
}
