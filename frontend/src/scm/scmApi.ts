// The REST calls of source control (/api/git/*), typed from the OpenAPI document.
import { call, type Schema } from "../api/schema";

export type GitStatus = Schema<"GitStatus">;
export type GitChange = Schema<"GitChange">;
export type GitHunk = Schema<"Hunk">;
export type FileDiff = Schema<"FileDiff">;
export type BranchList = Schema<"BranchList">;

/** A hunk of a file's diff: its ranges as the diff gave them. */
const hunkBody = (path: string, hunk: GitHunk) => ({ body: { path, hunk } });

export const gitApi = {
  status: () => call("get", "/api/git/status"),
  fileAt: (path: string, ref: "HEAD" | "index") => call("get", "/api/git/file", { query: { path, ref } }),
  diff: (path: string, staged: boolean) => call("get", "/api/git/diff", { query: { path, staged } }),
  stage: (paths: string[]) => call("post", "/api/git/stage", { body: { paths } }),
  unstage: (paths: string[]) => call("post", "/api/git/unstage", { body: { paths } }),
  discard: (paths: string[]) => call("post", "/api/git/discard", { body: { paths } }),
  stageHunk: (path: string, hunk: GitHunk) => call("post", "/api/git/stage-hunk", hunkBody(path, hunk)),
  unstageHunk: (path: string, hunk: GitHunk) => call("post", "/api/git/unstage-hunk", hunkBody(path, hunk)),
  discardHunk: (path: string, hunk: GitHunk) => call("post", "/api/git/discard-hunk", hunkBody(path, hunk)),
  commit: (message: string) => call("post", "/api/git/commit", { body: { message } }),
  branches: () => call("get", "/api/git/branches"),
  switchBranch: (name: string, create = false) => call("post", "/api/git/branch", { body: { name, create } }),
  init: () => call("post", "/api/git/init"),
  pull: () => call("post", "/api/git/pull"),
  push: () => call("post", "/api/git/push"),
};
