import { describe, expect, it } from "vitest";
import { lineChanges, splitLines } from "./lineChanges";

const L = (text: string) => splitLines(text);

describe("lineChanges", () => {
  it("finds nothing in equal texts", () => {
    expect(lineChanges(L("a\nb\n"), L("a\nb\n"))).toEqual([]);
  });

  it("marks an added, a modified and a deleted block separately", () => {
    const base = L("1\n2\n3\n4\n5\n6\n7\n");
    const current = L("1\nnew\n2\n3\nTHREE? no: 4 changed\n5\n7\n");
    expect(lineChanges(base, current)).toEqual([
      { kind: "added", start: 2, end: 2, oldStart: 2, oldEnd: 1 },
      { kind: "modified", start: 5, end: 5, oldStart: 4, oldEnd: 4 },
      { kind: "deleted", start: 6, end: 6, oldStart: 6, oldEnd: 6 },
    ]);
  });

  it("a deletion at the top points at line 0, lines added at the end after the last", () => {
    expect(lineChanges(L("x\na\n"), L("a\n"))).toEqual([{ kind: "deleted", start: 0, end: 0, oldStart: 1, oldEnd: 1 }]);
    expect(lineChanges(L("a\n"), L("a\nb\nc"))).toEqual([{ kind: "added", start: 2, end: 3, oldStart: 2, oldEnd: 1 }]);
  });

  it("a new file is one addition; CRLF and LF lines compare equal", () => {
    expect(lineChanges([], L("a\nb\n"))).toEqual([{ kind: "added", start: 1, end: 2, oldStart: 1, oldEnd: 0 }]);
    expect(lineChanges(L("a\r\nb\r\n"), L("a\nb\n"))).toEqual([]);
  });
});
