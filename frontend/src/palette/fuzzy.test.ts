import { describe, expect, it } from "vitest";
import { fuzzyFilter, fuzzyMatch, highlightSegments } from "./fuzzy";

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
