import { describe, expect, it } from "vitest";
import { nameRange, pathOfUri, symbolPath, toDocumentSymbol, SYMBOL_KIND } from "./convert";
import { percentOf } from "./symbolStore";
import type { SymbolNode } from "./symbolsApi";

const method: SymbolNode = {
  name: "get",
  kind: "method",
  line: 22,
  column: 8,
  end_column: 11,
  start_line: 22,
  end_line: 27,
  children: [],
};
const cls: SymbolNode = {
  name: "Store",
  kind: "class",
  line: 17,
  column: 6,
  end_column: 11,
  start_line: 17,
  end_line: 53,
  children: [method],
};

describe("symbol conversion", () => {
  it("maps 0-based columns to Monaco's 1-based range of the name", () => {
    expect(nameRange(method)).toEqual({ startLineNumber: 22, startColumn: 9, endLineNumber: 22, endColumn: 12 });
  });

  it("builds nested document symbols whose range contains the name", () => {
    const symbol = toDocumentSymbol(cls);
    expect(symbol.kind).toBe(SYMBOL_KIND.class);
    expect(symbol.range.startLineNumber).toBe(17);
    expect(symbol.range.endLineNumber).toBe(53);
    expect(symbol.children.map((c) => [c.name, c.kind])).toEqual([["get", SYMBOL_KIND.method]]);
  });

  it("finds the chain of symbols around a line for breadcrumbs", () => {
    expect(symbolPath([cls], 25).map((s) => s.name)).toEqual(["Store", "get"]);
    expect(symbolPath([cls], 40).map((s) => s.name)).toEqual(["Store"]);
    expect(symbolPath([cls], 5)).toEqual([]);
  });

  it("reads workspace paths from model URIs", () => {
    expect(pathOfUri({ scheme: "file", path: "/kvstore/store.py" })).toBe("kvstore/store.py");
    expect(pathOfUri({ scheme: "inmemory", path: "/model/1" })).toBeNull();
  });

  it("computes the indexing percentage", () => {
    expect(percentOf({ indexed: 1, total: 3, state: "building" })).toBe(33);
    expect(percentOf({ indexed: 0, total: 0, state: "ready" })).toBe(100);
  });
});
