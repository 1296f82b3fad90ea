// Replace in files, the applying part: each file read with its etag, its chosen matches replaced
// (planFile refuses a file that changed since the search) and written back through the file
// service with that etag, so a file changed in between is reported, never overwritten.
import { filesApi } from "../api/endpoints";
import { ApiError, errorMessage } from "../api/http";
import type { SearchMatch } from "../api/types";
import { dirtyPaths } from "../editor/editorApi";
import { planFile, type Chosen, type QueryOptions } from "./replace";

export interface FileReplace {
  path: string;
  /** The search's matches in the file (what it saw). */
  matches: SearchMatch[];
  chosen: Chosen[];
}

export interface ReplaceOutcome {
  replaced: number;
  files: string[];
  skipped: { path: string; reason: string }[];
}

export async function replaceInFiles(
  files: FileReplace[],
  query: string,
  replace: string,
  opts: QueryOptions,
): Promise<ReplaceOutcome> {
  const outcome: ReplaceOutcome = { replaced: 0, files: [], skipped: [] };
  const dirty = new Set(dirtyPaths());
  for (const file of files) {
    if (!file.chosen.length) continue;
    if (dirty.has(file.path)) {
      outcome.skipped.push({ path: file.path, reason: "has unsaved changes in the editor: save or revert it first" });
      continue;
    }
    try {
      const current = await filesApi.read(file.path);
      const plan = planFile(current.content, file.matches, file.chosen, query, replace, opts);
      if (!plan.ok) {
        outcome.skipped.push({ path: file.path, reason: `${plan.reason}: search again` });
        continue;
      }
      await filesApi.write(file.path, plan.content, current.etag);
      outcome.replaced += plan.replaced;
      outcome.files.push(file.path);
    } catch (err) {
      const reason =
        err instanceof ApiError && err.status === 409
          ? "changed on disk while replacing: search again"
          : errorMessage(err);
      outcome.skipped.push({ path: file.path, reason });
    }
  }
  return outcome;
}
