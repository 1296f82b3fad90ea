import { describe, expect, it } from "vitest";
import { diffLines, inlineHunks, proposedLines, splitLines, touchedLines } from "./lineDiff";

describe("touchedLines", () => {
  it("leaves out the line a selection ends on at column 1", () => {
    expect(touchedLines({ startLine: 2, startColumn: 1, endLine: 4, endColumn: 1 })).toEqual({ first: 2, last: 3 });
    expect(touchedLines({ startLine: 2, startColumn: 5, endLine: 2, endColumn: 9 })).toEqual({ first: 2, last: 2 });
    expect(touchedLines({ startLine: 2, startColumn: 1, endLine: 2, endColumn: 1 })).toEqual({ first: 2, last: 2 });
  });
});

describe("splitLines / proposedLines", () => {
  it("drops the empty piece after a final newline", () => {
    expect(splitLines("a\nb\n")).toEqual(["a", "b"]);
    expect(splitLines("a\r\nb")).toEqual(["a", "b"]);
    expect(splitLines("")).toEqual([""]);
  });

  it("puts the replacement between the text around the selection", () => {
    expect(proposedLines("    return ", "a + b", "  # sum")).toEqual(["    return a + b  # sum"]);
    expect(proposedLines("", "x = 1\ny = 2\n", "")).toEqual(["x = 1", "y = 2"]);
  });
});

describe("diffLines", () => {
  it("marks the changed lines removed and added, the rest the same", () => {
    const before = ["def add(a, b):", "    return a - b", ""];
    const after = ["def add(a, b):", '    """Add."""', "    return a + b", ""];
    expect(diffLines(before, after)).toEqual({
      before: ["same", "removed", "same"],
      after: ["same", "added", "added", "same"],
    });
  });

  it("counts everything as changed when one side is empty", () => {
    expect(diffLines(["a"], [])).toEqual({ before: ["removed"], after: [] });
    expect(diffLines([], ["a", "b"])).toEqual({ before: [], after: ["added", "added"] });
  });

  it("keeps the common lines in order (a moved line is removed and added)", () => {
    expect(diffLines(["a", "b", "c"], ["c", "a", "b"])).toEqual({
      before: ["same", "same", "removed"],
      after: ["added", "same", "same"],
    });
  });
});

describe("inlineHunks", () => {
  it("puts each replacement after the original lines it replaces", () => {
    const before = ["def add(a, b):", "    return a - b", "", "x = 1"];
    const after = ["def add(a, b):", '    """Add."""', "    return a + b", "", "x = 2"];
    expect(inlineHunks(before, after)).toEqual({
      removed: [1, 3],
      insertions: [
        {
          after: 1,
          lines: [
            { text: '    """Add."""', mark: "added" },
            { text: "    return a + b", mark: "added" },
          ],
        },
        { after: 3, lines: [{ text: "x = 2", mark: "added" }] },
      ],
    });
  });

  it("inserts before the first line when the proposal starts with new lines", () => {
    expect(inlineHunks(["b"], ["a", "b"])).toEqual({
      removed: [],
      insertions: [{ after: -1, lines: [{ text: "a", mark: "added" }] }],
    });
  });
});
