import { describe, expect, it } from "vitest";
import type { ContextReport } from "./chatApi";
import { chipLabel, chipWhy, confirmAttachText, secretToAttach } from "./chipText";

const snippet = (start: number, end: number): ContextReport => ({
  id: `codebase:shop/orders.py:${start}-${end}`,
  kind: "codebase",
  path: "shop/orders.py",
  title: `shop/orders.py:${start}-${end} — text match #1`,
  tokens: 42,
  included: true,
  truncated: false,
  reason: null,
  meta: {
    why: "text match #1, defines function order_total",
    score: 1.23456,
    start_line: start,
    end_line: end,
    signals: [{ name: "bm25", rank: 1, detail: "bm25 3.2" }],
  },
});

describe("context chips", () => {
  it("tell two snippets of one file apart by their line range", () => {
    expect(chipLabel(snippet(1, 9))).toBe("shop/orders.py:1-9");
    expect(chipLabel(snippet(11, 13))).toBe("shop/orders.py:11-13");
  });
  it("say why a snippet was included", () => {
    expect(chipWhy(snippet(1, 9))).toBe("text match #1, defines function order_total · score 1.23");
  });
  it("keep plain files as their path", () => {
    const file: ContextReport = {
      ...snippet(1, 2),
      id: "file:a.py",
      kind: "file",
      path: "a.py",
      meta: { why: "the open file" },
    };
    expect(chipLabel(file)).toBe("a.py");
    expect(chipWhy(file)).toBe("the open file");
  });
  it("offer an explicit attach only for a refused secret file", () => {
    const refused: ContextReport = {
      ...snippet(1, 2),
      id: "file:.env",
      kind: "file",
      path: ".env",
      included: false,
      tokens: 0,
      reason: "secret file (credentials or keys): not sent to the model.",
      meta: { secret: true },
    };
    expect(secretToAttach(refused)).toBe(".env");
    expect(secretToAttach({ ...refused, included: true })).toBeNull(); // already attached
    expect(secretToAttach({ ...refused, meta: {} })).toBeNull(); // left out for another reason
    expect(confirmAttachText(".env")).toContain(".env looks like a secret file");
  });
});
