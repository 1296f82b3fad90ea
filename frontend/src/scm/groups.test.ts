import { describe, expect, it } from "vitest";
import { changedCount, decorationsOf, groupsOf } from "./groups";
import type { GitStatus } from "./scmApi";

const status: GitStatus = {
  repository: true,
  branch: "main",
  detached: false,
  ahead: 0,
  behind: 0,
  staged: [
    { path: "src/a.py", status: "M" },
    { path: "new.py", status: "A" },
  ],
  changes: [
    { path: "src/a.py", status: "M" },
    { path: "src/deep/gone.py", status: "D" },
  ],
  untracked: [{ path: "notes.txt", status: "?" }],
  conflicts: [],
  ignored: [],
};

describe("groupsOf", () => {
  it("orders the groups as VS Code does and leaves empty ones out", () => {
    expect(groupsOf(status).map((g) => [g.id, g.changes.map((c) => c.path)])).toEqual([
      ["staged", ["new.py", "src/a.py"]],
      ["changes", ["src/a.py", "src/deep/gone.py"]],
      ["untracked", ["notes.txt"]],
    ]);
    expect(changedCount(status)).toBe(4);
  });
});

describe("decorationsOf", () => {
  it("letters files, the working tree's state winning, and colours their folders", () => {
    const deco = decorationsOf(status);
    expect(deco["notes.txt"]).toMatchObject({ letter: "U", kind: "untracked" });
    expect(deco["new.py"]).toMatchObject({ letter: "A", kind: "added" });
    expect(deco["src/a.py"]).toMatchObject({ letter: "M", kind: "modified", tooltip: "Modified" });
    expect(deco["src/deep/gone.py"]).toMatchObject({ letter: "D", kind: "deleted" });
    // The strongest change below a folder colours it, without a letter.
    expect(deco["src"]).toMatchObject({ letter: "", kind: "deleted" });
    expect(deco["src/deep"]).toMatchObject({ letter: "", kind: "deleted" });
  });

  it("a conflict wins over everything", () => {
    const deco = decorationsOf({ ...status, conflicts: [{ path: "src/a.py", status: "U" }] });
    expect(deco["src/a.py"]).toMatchObject({ letter: "!", kind: "conflict" });
  });
});
