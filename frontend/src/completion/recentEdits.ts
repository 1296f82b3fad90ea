// Recently edited ranges of open buffers, sent with a completion request as context: a small
// ring of edit positions per path, each sent as a few lines of the buffer's current text.
import type { RecentEdit } from "./types";

export const EDITS_PER_PATH = 3;
export const MAX_SENT_EDITS = 4;
/** Lines of text around an edit. */
export const CONTEXT_LINES = 2;
/** An edit this close to a remembered one moves it instead of adding another. */
const SAME_PLACE_LINES = 3;

/** A buffer's lines, read one at a time (1-based): no copy of a whole file per keystroke. */
export interface BufferLines {
  count: number;
  line(n: number): string;
}

interface EditMark {
  line: number;
  at: number;
}

export class RecentEditRing {
  private readonly byPath = new Map<string, EditMark[]>();
  private clock = 0;

  record(path: string, line: number): void {
    const marks = (this.byPath.get(path) ?? []).filter((m) => Math.abs(m.line - line) > SAME_PLACE_LINES);
    marks.unshift({ line, at: ++this.clock });
    this.byPath.set(path, marks.slice(0, EDITS_PER_PATH));
  }

  forget(path: string): void {
    this.byPath.delete(path);
  }

  rename(from: string, to: string): void {
    const marks = this.byPath.get(from);
    if (!marks) return;
    this.byPath.delete(from);
    this.byPath.set(to, marks);
  }

  /**
   * The most recent edits of paths other than `current`, newest first, as text: `lines(path)`
   * reads a buffer's current lines (undefined when it is no longer open).
   */
  context(current: string, lines: (path: string) => BufferLines | undefined): RecentEdit[] {
    const marks: (EditMark & { path: string })[] = [];
    for (const [path, list] of this.byPath) {
      if (path !== current) marks.push(...list.map((m) => ({ ...m, path })));
    }
    marks.sort((a, b) => b.at - a.at);
    const edits: RecentEdit[] = [];
    for (const mark of marks) {
      if (edits.length >= MAX_SENT_EDITS) break;
      const buffer = lines(mark.path);
      if (!buffer || buffer.count === 0) continue;
      const start = Math.max(1, Math.min(mark.line, buffer.count) - CONTEXT_LINES);
      const end = Math.min(buffer.count, mark.line + CONTEXT_LINES);
      const text: string[] = [];
      for (let line = start; line <= end; line++) text.push(buffer.line(line));
      edits.push({ path: mark.path, start_line: start, text: text.join("\n") });
    }
    return edits;
  }
}
