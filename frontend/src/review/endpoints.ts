// The REST calls of edits (preview/apply), change sets (review) and checkpoints.
import { call } from "../api/schema";
import type { ApplyRequest, EditRequest } from "./types";

/** What one accept/reject covers: the whole set, one file, or one hunk of a file. */
export interface ReviewTarget {
  path?: string | null;
  hunk?: number | null;
}

export const editsApi = {
  preview: (body: EditRequest) => call("post", "/api/edits/preview", { body }),
  apply: (body: ApplyRequest) => call("post", "/api/edits/apply", { body }),
};

const one = (change_set_id: string) => ({ change_set_id });

export const changeSetsApi = {
  list: (status: "pending" | "all" = "pending") => call("get", "/api/changesets", { query: { status } }),
  get: (changeSetId: string) => call("get", "/api/changesets/{change_set_id}", { params: one(changeSetId) }),
  accept: (changeSetId: string, target: ReviewTarget = {}) =>
    call("post", "/api/changesets/{change_set_id}/accept", { params: one(changeSetId), body: target }),
  reject: (changeSetId: string, target: ReviewTarget = {}) =>
    call("post", "/api/changesets/{change_set_id}/reject", { params: one(changeSetId), body: target }),
};

export const checkpointsApi = {
  list: () => call("get", "/api/checkpoints"),
  restore: (checkpointId: string) =>
    call("post", "/api/checkpoints/{checkpoint_id}/restore", { params: { checkpoint_id: checkpointId } }),
};
