// A whole-file block that is really a snippet: applied as the file's whole content it would
// drop most of the file. Worth a question before anything is written.
import type { Preview, PreviewFile } from "./types";

export interface Shrink {
  path: string;
  removed: number;
  before: number;
}

/** Lines a unified diff removes and adds (headers not counted). */
export function diffCounts(diff: string): { removed: number; added: number } {
  let removed = 0;
  let added = 0;
  for (const line of diff.split("\n")) {
    if (line.startsWith("---") || line.startsWith("+++")) continue;
    if (line.startsWith("-")) removed++;
    else if (line.startsWith("+")) added++;
  }
  return { removed, added };
}

const lineCount = (text: string) => (text === "" ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0));

/** The files a whole-file preview would cut by more than half (at least `min` lines gone). */
export function shrunkFiles(preview: Pick<Preview, "format" | "files">, min = 5): Shrink[] {
  if (preview.format !== "whole") return [];
  return preview.files.flatMap((file: PreviewFile) => {
    if (file.status !== "modified" || file.content === null) return [];
    const { removed, added } = diffCounts(file.diff);
    const before = lineCount(file.content) - added + removed;
    return removed >= min && removed * 2 > before ? [{ path: file.path, removed, before }] : [];
  });
}
