// Shapes of the server's JSON (DESIGN.md §5).

export type EntryType = "file" | "dir" | "symlink";

export interface TreeEntry {
  name: string;
  path: string;
  type: EntryType;
  size: number | null;
  mtime: number | null;
  ignored: boolean;
}

export interface TreeResponse {
  path: string;
  entries: TreeEntry[];
}

export interface FileContent {
  path: string;
  content: string;
  etag: string;
  encoding: string;
  eol: string;
  language: string | null;
  size: number;
}

export interface SaveResponse {
  etag: string;
  [key: string]: unknown;
}

export interface SearchMatch {
  path: string;
  line: number;
  column: number;
  text: string;
}

export interface SearchResponse {
  results: SearchMatch[];
  truncated: boolean;
}

export interface FileSearchResponse {
  results: { path: string; score: number }[];
}

export interface WorkspaceInfo {
  name: string;
  root: string;
  branch: string | null;
}

export type ThemeSetting = "system" | "dark" | "light";

export interface Settings {
  "editor.fontSize": number;
  "editor.tabSize": number;
  "editor.wordWrap": boolean;
  "editor.minimap": boolean;
  "editor.formatOnSave": boolean;
  "workbench.theme": ThemeSetting;
}

export interface FsChange {
  type: "added" | "modified" | "deleted";
  path: string;
}
