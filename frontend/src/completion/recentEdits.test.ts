import { describe, expect, it } from "vitest";
import { EDITS_PER_PATH, MAX_SENT_EDITS, RecentEditRing } from "./recentEdits";

const file = (n: number) => ({ count: n, line: (i: number) => `line ${i}` });

describe("RecentEditRing", () => {
  it("sends other paths' edits, newest first, with lines around them", () => {
    const ring = new RecentEditRing();
    ring.record("a.py", 10);
    ring.record("b.py", 1);
    ring.record("cur.py", 5);
    const edits = ring.context("cur.py", () => file(20));
    expect(edits).toEqual([
      { path: "b.py", start_line: 1, text: "line 1\nline 2\nline 3" },
      { path: "a.py", start_line: 8, text: "line 8\nline 9\nline 10\nline 11\nline 12" },
    ]);
  });

  it("an edit near a remembered one moves it; each path keeps only the last few", () => {
    const ring = new RecentEditRing();
    ring.record("a.py", 10);
    ring.record("a.py", 11);
    expect(ring.context("x", () => file(50))).toHaveLength(1);
    for (let i = 0; i < 10; i++) ring.record("a.py", 20 + i * 10);
    expect(ring.context("x", () => file(200))).toHaveLength(Math.min(EDITS_PER_PATH, MAX_SENT_EDITS));
  });

  it("skips closed buffers, forgets and renames paths, clamps to the buffer", () => {
    const ring = new RecentEditRing();
    ring.record("gone.py", 3);
    ring.record("a.py", 99);
    ring.record("old.py", 1);
    ring.rename("old.py", "new.py");
    ring.forget("a.py");
    const edits = ring.context("x", (p) => (p === "gone.py" ? undefined : file(4)));
    expect(edits.map((e) => e.path)).toEqual(["new.py"]);
    ring.record("a.py", 99);
    expect(ring.context("x", (p) => (p === "a.py" ? file(4) : undefined))).toEqual([
      { path: "a.py", start_line: 2, text: "line 2\nline 3\nline 4" },
    ]);
  });
});
