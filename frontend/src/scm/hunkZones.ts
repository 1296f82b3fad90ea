// Pure helpers of the hunk bars in a source-control diff.
import type { GitHunk } from "./scmApi";

/** The modified side's line after which a hunk's bar sits (0 = above line 1). */
export function zoneAfterLine(hunk: GitHunk): number {
  return hunk.new_lines === 0 ? hunk.new_start : Math.max(0, hunk.new_start - 1);
}

/** "−2 +3": the lines a hunk removes and adds. */
export function hunkStat(hunk: GitHunk): string {
  const parts: string[] = [];
  if (hunk.old_lines) parts.push(`−${hunk.old_lines}`);
  if (hunk.new_lines) parts.push(`+${hunk.new_lines}`);
  return parts.join(" ");
}
