import { describe, expect, it } from "vitest";
import { branchEntries } from "./branchItems";

const branches = [
  { name: "main", current: true, upstream: "origin/main", commit: "abcdef0123" },
  { name: "feature/login", current: false, upstream: null, commit: "1234567890" },
  { name: "fix", current: false, commit: "fedcba9876" },
];

describe("branchEntries", () => {
  it("lists every branch, the current one last, without a create entry when nothing is typed", () => {
    expect(branchEntries("", branches).map((e) => [e.kind, e.name])).toEqual([
      ["switch", "feature/login"],
      ["switch", "fix"],
      ["switch", "main"],
    ]);
    expect(branchEntries("", branches)[2].detail).toBe("abcdef0 · origin/main · current");
  });

  it("offers to create what was typed unless a branch has exactly that name", () => {
    expect(branchEntries("fi", branches).map((e) => [e.kind, e.name])).toEqual([
      ["create", "fi"],
      ["switch", "fix"],
    ]);
    expect(branchEntries("fix", branches).map((e) => e.kind)).toEqual(["switch"]);
  });
});
