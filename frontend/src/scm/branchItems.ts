// The branch picker's entries for what the user typed: create it (when no branch has that
// name), then the branches matching it, the current one last. Pure.
export interface BranchEntry {
  kind: "create" | "switch";
  name: string;
  current: boolean;
  detail: string;
}

export function branchEntries(
  query: string,
  branches: { name: string; current: boolean; upstream?: string | null; commit: string }[],
): BranchEntry[] {
  const q = query.trim();
  const lower = q.toLowerCase();
  const matching = branches
    .filter((b) => !lower || b.name.toLowerCase().includes(lower))
    .sort((a, b) => Number(a.current) - Number(b.current) || a.name.localeCompare(b.name))
    .map<BranchEntry>((b) => ({
      kind: "switch",
      name: b.name,
      current: b.current,
      detail: `${b.commit.slice(0, 7)}${b.upstream ? ` · ${b.upstream}` : ""}${b.current ? " · current" : ""}`,
    }));
  const exists = branches.some((b) => b.name === q);
  const create: BranchEntry[] =
    q && !exists
      ? [{ kind: "create", name: q, current: false, detail: "Create a new branch at HEAD and switch to it" }]
      : [];
  return [...create, ...matching];
}
