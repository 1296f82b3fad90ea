import { describe, expect, it } from "vitest";
import { applyEdit, minimalEdit } from "./textDiff";

describe("minimalEdit", () => {
  it("returns null for equal texts", () => {
    expect(minimalEdit("same", "same")).toBeNull();
  });

  it("replaces only the changed middle", () => {
    expect(minimalEdit("hello world", "hello brave world")).toEqual({ start: 6, end: 6, text: "brave " });
    expect(minimalEdit("abcXdef", "abcdef")).toEqual({ start: 3, end: 4, text: "" });
  });

  it("never splits a surrogate pair", () => {
    const before = "a😀b";
    const after = "a😃b";
    const edit = minimalEdit(before, after)!;
    expect(edit.text).toBe("😃");
    expect(applyEdit(before, edit)).toBe(after);
  });

  it("round-trips arbitrary edits", () => {
    const cases: [string, string][] = [
      ["", "x"],
      ["x", ""],
      ["aaa", "aa"],
      ["line1\nline2\n", "line1\nLINE\nline2\n"],
    ];
    for (const [a, b] of cases) expect(applyEdit(a, minimalEdit(a, b))).toBe(b);
  });
});
