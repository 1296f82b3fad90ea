import { api } from "./http";
import type {
  FileContent,
  FileSearchResponse,
  SaveResponse,
  SearchResponse,
  Settings,
  TreeResponse,
  WorkspaceInfo,
} from "./types";

export const filesApi = {
  tree: (path: string, signal?: AbortSignal) => api<TreeResponse>("/api/files/tree", { query: { path }, signal }),
  read: (path: string) => api<FileContent>("/api/files/content", { query: { path } }),
  write: (path: string, content: string, etag: string | null) =>
    api<SaveResponse>("/api/files/content", { method: "PUT", query: { path }, body: { content, etag } }),
  move: (from: string, to: string) => api<unknown>("/api/files/move", { method: "POST", body: { from, to } }),
  remove: (path: string) => api<unknown>("/api/files", { method: "DELETE", query: { path } }),
  mkdir: (path: string) => api<unknown>("/api/files/dir", { method: "POST", body: { path } }),
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
    api<SearchResponse>("/api/search", {
      query: { q: p.q, regex: p.regex, case: p.case, glob: p.glob || undefined, max: p.max ?? 2000 },
      signal,
    }),
  files: (q: string, max = 50, signal?: AbortSignal) =>
    api<FileSearchResponse>("/api/search/files", { query: { q, max }, signal }),
};

export const settingsApi = {
  get: () => api<{ values: Partial<Settings> }>("/api/settings"),
  update: (values: Partial<Settings>) =>
    api<{ values: Partial<Settings> }>("/api/settings", { method: "PUT", body: { values } }),
};

export const workspaceApi = {
  info: () => api<WorkspaceInfo>("/api/workspace"),
};
