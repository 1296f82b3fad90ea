// The edits / change sets / checkpoints API's shapes (issue 13's contract), as the UI uses them.
export type EditFormat = "search_replace" | "udiff" | "whole";
export type PreviewStatus = "ok" | "already_applied" | "failed";
export type EditSource = "chat" | "inline_edit" | "agent" | "api";

export interface EditError {
  message: string;
  block: number;
  closest: { start_line: number; end_line: number; text: string } | null;
}

export interface PreviewFile {
  path: string;
  status: "modified" | "created" | "deleted" | "already_applied" | "failed";
  content: string | null;
  diff: string;
  etag: string | null;
  error: EditError | null;
  rungs: string[];
  control: boolean;
}

export interface Preview {
  status: PreviewStatus;
  format: EditFormat;
  files: PreviewFile[];
}

export interface EditRequest {
  text: string;
  format?: "auto" | EditFormat;
  path?: string | null;
}

export interface ApplyRequest extends EditRequest {
  etags: Record<string, string | null>;
  source?: EditSource;
  title?: string;
  allow_control?: boolean;
}

export interface ApplyResult {
  status: "ok" | "already_applied";
  change_set_id: string | null;
  checkpoint_id: string | null;
  files: PreviewFile[];
}

export type FileReview = "pending" | "accepted" | "rejected" | "partial";
export type HunkState = "pending" | "accepted" | "rejected";

export interface ChangeSetFileSummary {
  path: string;
  status: "modified" | "created" | "deleted";
  review: FileReview;
  pending_hunks: number;
}

export interface ChangeSetSummary {
  id: string;
  created_at: string;
  source: string;
  title: string;
  /** "reverted": undone by a checkpoint restore. */
  status: "pending" | "reviewed" | "reverted";
  checkpoint_id: string | null;
  files: ChangeSetFileSummary[];
}

export interface ChangeSetList {
  change_sets: ChangeSetSummary[];
  pending_files: number;
  pending_hunks: number;
}

export interface Hunk {
  index: number;
  state: HunkState;
  old_start: number;
  old_lines: number;
  new_start: number;
  new_lines: number;
}

export interface ChangeSetFile extends ChangeSetFileSummary {
  before: string | null;
  after: string | null;
  hunks: Hunk[];
}

export interface ChangeSet extends Omit<ChangeSetSummary, "files"> {
  files: ChangeSetFile[];
}

export interface Checkpoint {
  id: string;
  created_at: string;
  source: string;
  title: string;
  files: string[];
  change_set_id: string | null;
}

export interface RestoreResult {
  /** Taken before the restore (restoring it undoes it); null when nothing had to change. */
  checkpoint_id: string | null;
  change_set_id: string | null;
  files: { path: string; status: string }[];
}

export interface ReviewChanged {
  pending_files: number;
  pending_hunks: number;
  change_set_id: string | null;
}
