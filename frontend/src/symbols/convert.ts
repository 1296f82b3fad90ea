// Server symbols → Monaco shapes. Pure functions (unit-tested without an editor).
import type { SymbolLocation, SymbolNode } from "./symbolsApi";

/** Monaco's SymbolKind values (monaco.languages.SymbolKind), kept here so tests need no editor. */
export const SYMBOL_KIND: Record<string, number> = {
  module: 1,
  class: 4,
  method: 5,
  type: 4,
  enum: 9,
  interface: 10,
  function: 11,
  constant: 13,
  struct: 22,
  macro: 11,
};
const VARIABLE = 12;

export interface RangeLike {
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
}

export function nameRange(s: { line: number; column: number; end_column: number }): RangeLike {
  return { startLineNumber: s.line, startColumn: s.column + 1, endLineNumber: s.line, endColumn: s.end_column + 1 };
}

export interface DocumentSymbolLike {
  name: string;
  detail: string;
  kind: number;
  tags: [];
  range: RangeLike;
  selectionRange: RangeLike;
  children: DocumentSymbolLike[];
}

export function toDocumentSymbol(node: SymbolNode): DocumentSymbolLike {
  const selectionRange = nameRange(node);
  return {
    name: node.name,
    detail: node.kind,
    kind: SYMBOL_KIND[node.kind] ?? VARIABLE,
    tags: [],
    // The whole definition must contain the name for Monaco's outline and breadcrumbs.
    range: {
      startLineNumber: Math.min(node.start_line, node.line),
      startColumn: 1,
      endLineNumber: Math.max(node.end_line, node.line),
      endColumn: Number.MAX_SAFE_INTEGER,
    },
    selectionRange,
    children: (node.children ?? []).map(toDocumentSymbol),
  };
}

/** The chain of symbols that contain a 1-based line (outermost first), for breadcrumbs. */
export function symbolPath(nodes: SymbolNode[], line: number): SymbolNode[] {
  for (const node of nodes) {
    if (node.start_line <= line && line <= node.end_line) return [node, ...symbolPath(node.children ?? [], line)];
  }
  return [];
}

/** `file:///a/b.py` → `a/b.py` (the editor's model URIs are workspace paths under "/"). */
export function pathOfUri(uri: { scheme: string; path: string }): string | null {
  return uri.scheme === "file" ? uri.path.replace(/^\//, "") : null;
}

export function describeLocation(loc: SymbolLocation): string {
  return `${loc.path}:${loc.line}`;
}
