// The REST calls of edits (preview/apply), change sets (review) and checkpoints.
import { api } from "../api/http";
import type {
  ApplyRequest,
  ApplyResult,
  ChangeSet,
  ChangeSetList,
  Checkpoint,
  EditRequest,
  Preview,
  RestoreResult,
} from "./types";

const post = <T>(path: string, body: unknown) => api<T>(path, { method: "POST", body });
const id = (value: string) => encodeURIComponent(value);

/** What one accept/reject covers: the whole set, one file, or one hunk of a file. */
export interface ReviewTarget {
  path?: string | null;
  hunk?: number | null;
}

export const editsApi = {
  preview: (body: EditRequest) => post<Preview>("/api/edits/preview", body),
  apply: (body: ApplyRequest) => post<ApplyResult>("/api/edits/apply", body),
};

export const changeSetsApi = {
  list: (status: "pending" | "all" = "pending") => api<ChangeSetList>("/api/changesets", { query: { status } }),
  get: (changeSetId: string) => api<ChangeSet>(`/api/changesets/${id(changeSetId)}`),
  accept: (changeSetId: string, target: ReviewTarget = {}) =>
    post<ChangeSet>(`/api/changesets/${id(changeSetId)}/accept`, target),
  reject: (changeSetId: string, target: ReviewTarget = {}) =>
    post<ChangeSet>(`/api/changesets/${id(changeSetId)}/reject`, target),
};

export const checkpointsApi = {
  list: () => api<{ checkpoints: Checkpoint[] }>("/api/checkpoints"),
  restore: (checkpointId: string) => post<RestoreResult>(`/api/checkpoints/${id(checkpointId)}/restore`, {}),
};
