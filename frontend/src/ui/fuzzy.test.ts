import { describe, expect, it } from "vitest";
import { fuzzyFilter, fuzzyMatch, highlightPath, highlightSegments } from "./fuzzy";

describe("fuzzy matching", () => {
  it("matches subsequences case-insensitively and reports indices", () => {
    expect(fuzzyMatch("ord", "shop/orders.py")?.indices).toEqual([5, 6, 7]);
    expect(fuzzyMatch("xyz", "shop/orders.py")).toBeNull();
  });

  it("prefers the file name and word starts", () => {
    const byName = fuzzyMatch("inv", "inventory.py")!;
    const byDir = fuzzyMatch("inv", "invoices/data.py")!;
    expect(byName.score).toBeGreaterThan(byDir.score);
  });

  it("ranks commands by score, stable for ties", () => {
    const items = ["View: Toggle Panel", "File: Save", "View: Toggle Word Wrap"];
    expect(fuzzyFilter("tp", items, (s) => s).map((r) => r.item)[0]).toBe("View: Toggle Panel");
    expect(fuzzyFilter("", items, (s) => s).map((r) => r.item)).toEqual(items);
  });

  it("splits text into highlighted runs", () => {
    expect(highlightSegments("orders", [0, 1, 4])).toEqual([
      { text: "or", match: true },
      { text: "de", match: false },
      { text: "r", match: true },
      { text: "s", match: false },
    ]);
  });
});

describe("highlightPath", () => {
  it("marks a contiguous occurrence in the name, not scattered letters", () => {
    expect(highlightPath("app.py", "src/app.py")).toEqual({ name: [0, 1, 2, 3, 4, 5], dir: [] });
    expect(highlightPath("app", "lib/myapp.py")).toEqual({ name: [2, 3, 4], dir: [] });
    // A word start is preferred to an earlier occurrence inside a word.
    expect(highlightPath("app", "lib/mapp_app.py").name).toEqual([5, 6, 7]);
  });

  it("falls back to a fuzzy match in the name", () => {
    expect(highlightPath("ordpy", "shop/orders.py").name).toEqual([0, 1, 2, 7, 8]);
  });

  it("splits a path query between the directory and the name", () => {
    expect(highlightPath("shop/ord", "src/shop/orders.py")).toEqual({ name: [0, 1, 2], dir: [4, 5, 6, 7] });
    const spread = highlightPath("stream mod07", "src/stream/mod07.py");
    expect(spread.name).toEqual([0, 1, 2, 3, 4]);
    expect(spread.dir).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it("marks nothing for an empty query", () => {
    expect(highlightPath(" ", "a/b.py")).toEqual({ name: [], dir: [] });
  });
});
