import { describe, expect, it } from "vitest";
import { diffCounts, shrunkFiles } from "./wholeFile";
import type { PreviewFile } from "./types";

const file = (diff: string, content: string): PreviewFile => ({
  path: "shop/orders.py",
  status: "modified",
  content,
  diff,
  etag: "e",
  error: null,
  rungs: ["whole"],
  control: false,
});

const SNIPPET_DIFF = [
  "--- a/shop/orders.py",
  "+++ b/shop/orders.py",
  "@@ -1,13 +1,3 @@",
  "-from dataclasses import dataclass",
  "-",
  "-VAT_RATE = 0.2",
  "-",
  "-",
  "-@dataclass",
  "-class Order:",
  "-    total_cents: int",
  "-",
  "-",
  " def order_total(order: Order) -> int:",
  '-    """Total in cents, VAT included."""',
  "-    return round(order.total_cents * (1 + VAT_RATE))",
  '+    """Rounded down."""',
  "+    return int(order.total_cents * (1 + VAT_RATE))",
  "",
].join("\n");
const SNIPPET =
  'def order_total(order: Order) -> int:\n    """Rounded down."""\n    return int(order.total_cents * (1 + VAT_RATE))\n';

describe("a whole-file block that would cut the file", () => {
  it("counts a diff's removed and added lines, not its headers", () => {
    expect(diffCounts(SNIPPET_DIFF)).toEqual({ removed: 12, added: 2 });
  });

  it("flags a snippet sent as the whole file (most lines gone)", () => {
    const preview = { format: "whole" as const, files: [file(SNIPPET_DIFF, SNIPPET)] };
    expect(shrunkFiles(preview)).toEqual([{ path: "shop/orders.py", removed: 12, before: 13 }]);
  });

  it("leaves alone search/replace edits, small files and edits that keep most of the file", () => {
    expect(shrunkFiles({ format: "search_replace", files: [file(SNIPPET_DIFF, SNIPPET)] })).toEqual([]);
    const small = "--- a/x\n+++ b/x\n@@ -1,2 +1,1 @@\n-a\n-b\n+c\n";
    expect(shrunkFiles({ format: "whole", files: [file(small, "c\n")] })).toEqual([]);
    const edit = "--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n";
    expect(shrunkFiles({ format: "whole", files: [file(edit, "a\nB\nc\n")] }, 1)).toEqual([]);
  });
});
