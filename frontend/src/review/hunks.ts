// Pure helpers of the review: where a hunk's buttons go in the diff, how hunks and counts read.
import type { ChangeSet, ChangeSetFile, Checkpoint, Hunk } from "./types";

/** The line of the modified side after which a hunk's action bar sits (0 = above line 1). */
export function zoneAfterLine(hunk: Hunk): number {
  // A pure deletion's new_start is the line after which the lines went; otherwise the hunk
  // starts at new_start and its bar goes just above it.
  return hunk.new_lines === 0 ? hunk.new_start : Math.max(0, hunk.new_start - 1);
}

/** The 1-based line range to reveal for a hunk in the modified side. */
export function hunkRevealRange(hunk: Hunk): { start: number; end: number } {
  if (hunk.new_lines === 0) {
    const at = Math.max(1, hunk.new_start);
    return { start: at, end: at };
  }
  return { start: hunk.new_start, end: hunk.new_start + hunk.new_lines - 1 };
}

/** "lines 12–14", "line 7", "after line 5" (a deletion) — of the file as it is now. */
export function hunkLabel(hunk: Hunk): string {
  if (hunk.new_lines === 0) return hunk.new_start === 0 ? "at the top" : `after line ${hunk.new_start}`;
  const { start, end } = hunkRevealRange(hunk);
  return start === end ? `line ${start}` : `lines ${start}–${end}`;
}

/** "−2 +3": the lines a hunk removes and adds (as a diff counts them). */
export function hunkStat(hunk: Hunk): string {
  const parts: string[] = [];
  if (hunk.old_lines) parts.push(`−${hunk.old_lines}`);
  if (hunk.new_lines) parts.push(`+${hunk.new_lines}`);
  return parts.join(" ");
}

export const pendingHunks = (file: ChangeSetFile): Hunk[] => file.hunks.filter((h) => h.state === "pending");

/** Pending hunks and files over the change sets shown (what "Accept all" would take). */
export function pendingTotals(sets: ChangeSet[]): { files: number; hunks: number } {
  let files = 0;
  let hunks = 0;
  for (const set of sets) {
    for (const file of set.files) {
      if (file.pending_hunks > 0) files++;
      hunks += file.pending_hunks;
    }
  }
  return { files, hunks };
}

/** The status bar's text: "1 change to review", "3 changes to review"; null when nothing is pending. */
export function reviewCountLabel(pendingHunks: number): string | null {
  if (pendingHunks <= 0) return null;
  return `${pendingHunks} ${pendingHunks === 1 ? "change" : "changes"} to review`;
}

/** "3 changes in 2 files". */
export function reviewCountDetail(pendingHunks: number, pendingFiles: number): string {
  const changes = `${pendingHunks} ${pendingHunks === 1 ? "change" : "changes"}`;
  return `${changes} in ${pendingFiles} ${pendingFiles === 1 ? "file" : "files"}`;
}

/** The first file of a set still waiting for a decision, else its first file. */
export function firstPendingPath(set: ChangeSet): string | null {
  return (set.files.find((f) => f.pending_hunks > 0) ?? set.files[0])?.path ?? null;
}

/** A local date and time for a checkpoint or change set ("14:03:12" today, else with the date). */
export function formatWhen(iso: string, now: Date = new Date()): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return iso;
  const time = when.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  return when.toDateString() === now.toDateString() ? time : `${when.toLocaleDateString()} ${time}`;
}

/** A checkpoint's file list for one line: "a.py, b.py and 3 more". */
export function filesSummary(files: string[], max = 2): string {
  if (files.length === 0) return "no files";
  if (files.length <= max + 1) return files.join(", ");
  return `${files.slice(0, max).join(", ")} and ${files.length - max} more`;
}

/** A checkpoint as lists and messages name it: the state before the change set it was taken for. */
export const checkpointName = (cp: Pick<Checkpoint, "title" | "source">): string => `Before “${cp.title || cp.source}”`;

/** The conflicts of a refused restore (409 body), one line each. */
export function conflictLines(body: unknown): string[] {
  if (!body || typeof body !== "object" || !("conflicts" in body) || !Array.isArray(body.conflicts)) return [];
  return (body.conflicts as unknown[]).flatMap((c) => {
    if (!c || typeof c !== "object") return [];
    const { path, message } = c as { path?: unknown; message?: unknown };
    return [`${typeof path === "string" ? path : "?"}: ${typeof message === "string" ? message : "conflict"}`];
  });
}
