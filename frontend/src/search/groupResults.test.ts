import { describe, expect, it } from "vitest";
import { groupByFile, matchRanges, previewWindow } from "./groupResults";

describe("search result helpers", () => {
  it("groups by file in server order with sorted lines", () => {
    const groups = groupByFile([
      { path: "b.py", line: 9, column: 1, text: "", text_start: 0 },
      { path: "a.py", line: 3, column: 1, text: "", text_start: 0 },
      { path: "b.py", line: 2, column: 1, text: "", text_start: 0 },
    ]);
    expect(groups.map((g) => g.path)).toEqual(["b.py", "a.py"]);
    expect(groups[0].matches.map((m) => m.line)).toEqual([2, 9]);
  });

  it("finds literal and regex ranges, honouring case", () => {
    expect(matchRanges("a.b a.b", "a.b", { regex: false, caseSensitive: true })).toEqual([
      { start: 0, end: 3 },
      { start: 4, end: 7 },
    ]);
    expect(matchRanges("Foo foo", "foo", { regex: false, caseSensitive: true })).toEqual([{ start: 4, end: 7 }]);
    expect(matchRanges("x1 y22", "\\d+", { regex: true, caseSensitive: false })).toHaveLength(2);
    expect(matchRanges("abc", "(", { regex: true, caseSensitive: false })).toEqual([]);
  });

  it("trims long leading text so the match stays visible", () => {
    const text = `    ${"x".repeat(60)}MATCH`;
    const view = previewWindow(text, 64);
    expect(view.text.startsWith("…")).toBe(true);
    expect(view.text.slice(64 - view.offset, 64 - view.offset + 5)).toBe("MATCH");
  });
});
