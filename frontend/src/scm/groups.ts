// Pure helpers of the source-control view: its groups, the explorer/tab decorations a status
// implies, and how a change reads.
import type { FileDecoration } from "../stores/decorations";
import type { GitChange, GitStatus } from "./scmApi";

export type GroupId = "conflicts" | "staged" | "changes" | "untracked";

export interface ScmGroup {
  id: GroupId;
  title: string;
  changes: GitChange[];
}

const byPath = (a: GitChange, b: GitChange) => a.path.localeCompare(b.path);

/** The view's groups in VS Code's order; empty ones left out. */
export function groupsOf(status: GitStatus): ScmGroup[] {
  const groups: ScmGroup[] = [
    { id: "conflicts", title: "Merge Changes", changes: [...(status.conflicts ?? [])].sort(byPath) },
    { id: "staged", title: "Staged Changes", changes: [...(status.staged ?? [])].sort(byPath) },
    { id: "changes", title: "Changes", changes: [...(status.changes ?? [])].sort(byPath) },
    { id: "untracked", title: "Untracked", changes: [...(status.untracked ?? [])].sort(byPath) },
  ];
  return groups.filter((g) => g.changes.length > 0);
}

/** How many files the view counts (its badge): each path once. */
export function changedCount(status: GitStatus): number {
  const paths = new Set<string>();
  for (const list of [status.conflicts, status.staged, status.changes, status.untracked])
    for (const c of list ?? []) paths.add(c.path);
  return paths.size;
}

const LABELS: Record<GitChange["status"], string> = {
  M: "Modified",
  A: "Added",
  D: "Deleted",
  R: "Renamed",
  C: "Copied",
  T: "Type changed",
  U: "Conflict",
  "?": "Untracked",
  "!": "Ignored",
};

export const statusLabel = (letter: GitChange["status"]): string => LABELS[letter];

/** The explorer's and tabs' letter for a change: untracked reads "U" as in VS Code. */
function decorationOf(change: GitChange, staged: boolean): FileDecoration {
  switch (change.status) {
    case "?":
      return { letter: "U", kind: "untracked", tooltip: "Untracked" };
    case "A":
      return { letter: "A", kind: "added", tooltip: "Added (staged)" };
    case "D":
      return { letter: "D", kind: "deleted", tooltip: staged ? "Deleted (staged)" : "Deleted" };
    case "U":
      return { letter: "!", kind: "conflict", tooltip: "Conflict" };
    case "R":
      return { letter: "R", kind: "added", tooltip: `Renamed from ${change.orig_path ?? "?"}` };
    default:
      return { letter: "M", kind: "modified", tooltip: staged ? "Modified (staged)" : "Modified" };
  }
}

const RANK: Record<FileDecoration["kind"], number> = {
  conflict: 5,
  deleted: 4,
  modified: 3,
  added: 2,
  untracked: 1,
  ignored: 0,
};

/**
 * Path → decoration for the explorer and tabs: a working-tree change wins over a staged one
 * (what the file is now), conflicts over everything; folders holding changes get the
 * strongest kind below them (no letter), as VS Code colours them.
 */
export function decorationsOf(status: GitStatus): Record<string, FileDecoration> {
  const files: Record<string, FileDecoration> = {};
  const put = (path: string, decoration: FileDecoration) => {
    const current = files[path];
    if (!current || RANK[decoration.kind] >= RANK[current.kind]) files[path] = decoration;
  };
  for (const c of status.staged ?? []) put(c.path, decorationOf(c, true));
  for (const c of status.changes ?? []) put(c.path, decorationOf(c, false));
  for (const c of status.untracked ?? []) put(c.path, decorationOf(c, false));
  for (const c of status.conflicts ?? []) put(c.path, decorationOf(c, false));
  for (const c of status.ignored ?? [])
    put(c.path.replace(/\/$/, ""), { letter: "", kind: "ignored", tooltip: "Ignored" });
  const result: Record<string, FileDecoration> = { ...files };
  for (const [path, decoration] of Object.entries(files)) {
    if (decoration.kind === "ignored") continue;
    const parts = path.split("/");
    for (let i = parts.length - 1; i > 0; i--) {
      const dir = parts.slice(0, i).join("/");
      const current = result[dir];
      if (current && RANK[current.kind] >= RANK[decoration.kind]) continue;
      result[dir] = { letter: "", kind: decoration.kind, tooltip: "Contains changes" };
    }
  }
  return result;
}
