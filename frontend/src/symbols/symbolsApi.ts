// Typed calls to the context engine's symbol and index APIs (see src/pairpad/api/symbols.py).
import { api } from "../api/http";

export interface SymbolNode {
  name: string;
  kind: string;
  line: number; // 1-based line of the name
  column: number; // 0-based
  end_column: number;
  start_line: number;
  end_line: number;
  children: SymbolNode[];
}

export interface SymbolLocation {
  path: string;
  name: string;
  kind: string;
  line: number;
  column: number;
  end_column: number;
  start_line: number;
  end_line: number;
  signature: string;
}

export interface IndexStatus {
  state: "idle" | "building" | "ready" | "error" | "disabled";
  indexed: number;
  total: number;
  percent: number;
  skipped: { path: string; reason: string }[];
  errors: { path: string; reason: string }[];
  last_update: number | null;
  duration: number | null;
  error: string | null;
}

export interface IndexProgress {
  indexed: number;
  total: number;
  state: IndexStatus["state"];
}

type Results = { results: SymbolLocation[] };

export const symbolsApi = {
  // The buffer's text is sent: unsaved edits show, and nothing depends on the file on disk
  // (a rename or delete racing with the request is not an error).
  outline: (path: string, content: string, signal?: AbortSignal) =>
    api<{ path: string; symbols: SymbolNode[] }>("/api/symbols/outline", {
      method: "POST",
      body: { path, content },
      signal,
    }),
  workspace: (q: string, signal?: AbortSignal) =>
    api<Results>("/api/symbols/workspace", { query: { q, limit: 100 }, signal }).then((r) => r.results),
  definition: (name: string, path?: string) =>
    api<Results>("/api/symbols/definition", { query: { name, path } }).then((r) => r.results),
  references: (name: string) => api<Results>("/api/symbols/references", { query: { name } }).then((r) => r.results),
  indexStatus: () => api<IndexStatus>("/api/index/status"),
  rebuild: () => api<{ started: boolean }>("/api/index/rebuild", { method: "POST" }),
};
