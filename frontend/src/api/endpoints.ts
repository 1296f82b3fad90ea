import { call } from "./schema";
import type { Settings } from "./types";

export const filesApi = {
  tree: (path: string, signal?: AbortSignal) => call("get", "/api/files/tree", { query: { path }, signal }),
  read: (path: string) => call("get", "/api/files/content", { query: { path } }),
  write: (path: string, content: string, etag: string | null) =>
    call("put", "/api/files/content", { query: { path }, body: { content, etag } }),
  move: (from: string, to: string) => call("post", "/api/files/move", { body: { from, to } }),
  remove: (path: string) => call("delete", "/api/files", { query: { path } }),
  mkdir: (path: string) => call("post", "/api/files/dir", { body: { path } }),
};

export interface TextSearchParams {
  q: string;
  regex: boolean;
  case: boolean;
  glob: string;
  max?: number;
}

export const searchApi = {
  text: (p: TextSearchParams, signal?: AbortSignal) =>
    call("get", "/api/search", {
      query: { q: p.q, regex: p.regex, case: p.case, glob: p.glob || undefined, max: p.max ?? 2000 },
      signal,
    }),
  files: (q: string, max = 50, signal?: AbortSignal) => call("get", "/api/search/files", { query: { q, max }, signal }),
};

export const settingsApi = {
  get: () => call("get", "/api/settings"),
  update: (values: Partial<Settings>) => call("put", "/api/settings", { body: { values } }),
};

export const workspaceApi = {
  info: () => call("get", "/api/workspace"),
};
