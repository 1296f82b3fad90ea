// Typed calls to the context engine's symbol and index APIs (see src/pairpad/api/symbols.py).
import { call, type Schema, type ServerEvents } from "../api/schema";

/** An outline item: `line` is the 1-based line of the name, columns are 0-based. */
export type SymbolNode = Schema<"OutlineItem">;
export type SymbolLocation = Schema<"Location">;
export type IndexStatus = Schema<"IndexStatus">;
export type IndexProgress = ServerEvents["index:progress"];

export const symbolsApi = {
  // The buffer's text is sent: unsaved edits show, and nothing depends on the file on disk
  // (a rename or delete racing with the request is not an error).
  outline: (path: string, content: string, signal?: AbortSignal) =>
    call("post", "/api/symbols/outline", { body: { path, content }, signal }),
  workspace: (q: string, signal?: AbortSignal) =>
    call("get", "/api/symbols/workspace", { query: { q, limit: 100 }, signal }).then((r) => r.results),
  definition: (name: string, path?: string) =>
    call("get", "/api/symbols/definition", { query: { name, path } }).then((r) => r.results),
  references: (name: string) => call("get", "/api/symbols/references", { query: { name } }).then((r) => r.results),
  indexStatus: () => call("get", "/api/index/status"),
  rebuild: () => call("post", "/api/index/rebuild"),
};
