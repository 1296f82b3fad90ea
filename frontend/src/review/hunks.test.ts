import { describe, expect, it } from "vitest";
import {
  conflictLines,
  filesSummary,
  firstPendingPath,
  hunkLabel,
  hunkRevealRange,
  hunkStat,
  pendingTotals,
  reviewCountDetail,
  reviewCountLabel,
  zoneAfterLine,
} from "./hunks";
import type { ChangeSet, Hunk } from "./types";

const hunk = (over: Partial<Hunk>): Hunk => ({
  index: 0,
  state: "pending",
  old_start: 1,
  old_lines: 1,
  new_start: 1,
  new_lines: 1,
  ...over,
});

describe("where a hunk's bar goes in the diff", () => {
  it("sits just above a hunk's first line, above line 1 for the first", () => {
    expect(zoneAfterLine(hunk({ new_start: 12, new_lines: 3 }))).toBe(11);
    expect(zoneAfterLine(hunk({ new_start: 1, new_lines: 2 }))).toBe(0);
  });

  it("sits after the line a deletion followed (new_lines 0)", () => {
    expect(zoneAfterLine(hunk({ old_start: 6, old_lines: 2, new_start: 5, new_lines: 0 }))).toBe(5);
    expect(zoneAfterLine(hunk({ old_start: 1, old_lines: 2, new_start: 0, new_lines: 0 }))).toBe(0);
  });

  it("reveals the hunk's lines, or the line a deletion follows", () => {
    expect(hunkRevealRange(hunk({ new_start: 12, new_lines: 3 }))).toEqual({ start: 12, end: 14 });
    expect(hunkRevealRange(hunk({ new_start: 5, new_lines: 0 }))).toEqual({ start: 5, end: 5 });
    expect(hunkRevealRange(hunk({ new_start: 0, new_lines: 0 }))).toEqual({ start: 1, end: 1 });
  });

  it("names a hunk by its lines and counts what it removes and adds", () => {
    expect(hunkLabel(hunk({ new_start: 12, new_lines: 3 }))).toBe("lines 12–14");
    expect(hunkLabel(hunk({ new_start: 7, new_lines: 1 }))).toBe("line 7");
    expect(hunkLabel(hunk({ new_start: 5, new_lines: 0 }))).toBe("after line 5");
    expect(hunkLabel(hunk({ new_start: 0, new_lines: 0 }))).toBe("at the top");
    expect(hunkStat(hunk({ old_lines: 2, new_lines: 3 }))).toBe("−2 +3");
    expect(hunkStat(hunk({ old_lines: 0, new_lines: 4 }))).toBe("+4");
    expect(hunkStat(hunk({ old_lines: 2, new_lines: 0 }))).toBe("−2");
  });
});

const set = (id: string, files: [string, number][]): ChangeSet => ({
  id,
  created_at: "2026-12-03T10:00:00Z",
  source: "chat",
  title: `Chat: ${id}`,
  status: files.some(([, n]) => n > 0) ? "pending" : "reviewed",
  checkpoint_id: "cp1",
  files: files.map(([path, pending]) => ({
    path,
    status: "modified",
    review: pending ? "pending" : "accepted",
    pending_hunks: pending,
    before: "",
    after: "",
    hunks: [],
  })),
});

describe("counts", () => {
  it("adds up pending hunks and the files that have any", () => {
    expect(
      pendingTotals([
        set("a", [
          ["x.py", 2],
          ["y.py", 0],
        ]),
        set("b", [["z.py", 1]]),
      ]),
    ).toEqual({ files: 2, hunks: 3 });
    expect(pendingTotals([])).toEqual({ files: 0, hunks: 0 });
  });

  it("says nothing at 0, and counts in words otherwise", () => {
    expect(reviewCountLabel(0)).toBeNull();
    expect(reviewCountLabel(1)).toBe("1 change to review");
    expect(reviewCountLabel(3)).toBe("3 changes to review");
    expect(reviewCountDetail(3, 2)).toBe("3 changes in 2 files");
    expect(reviewCountDetail(1, 1)).toBe("1 change in 1 file");
  });

  it("selects the first file still pending, else the first", () => {
    expect(
      firstPendingPath(
        set("a", [
          ["x.py", 0],
          ["y.py", 2],
        ]),
      ),
    ).toBe("y.py");
    expect(firstPendingPath(set("a", [["x.py", 0]]))).toBe("x.py");
  });
});

describe("checkpoint texts", () => {
  it("shortens long file lists", () => {
    expect(filesSummary([])).toBe("no files");
    expect(filesSummary(["a.py", "b.py", "c.py"])).toBe("a.py, b.py, c.py");
    expect(filesSummary(["a.py", "b.py", "c.py", "d.py"])).toBe("a.py, b.py and 2 more");
  });

  it("reads the conflicts of a refused restore, ignoring what is not one", () => {
    const body = {
      detail: "conflict",
      conflicts: [{ path: "a.py", message: "lines 3-4 changed by you and the AI" }, 7],
    };
    expect(conflictLines(body)).toEqual(["a.py: lines 3-4 changed by you and the AI"]);
    expect(conflictLines({ detail: "x" })).toEqual([]);
    expect(conflictLines(null)).toEqual([]);
  });
});
