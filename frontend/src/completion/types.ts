// The completion API's shapes (issue 11's contract: POST /api/complete, Socket.IO
// complete:request / complete:cancel, /api/complete/feedback, /stats, /warm), written from the
// contract so the client builds before the server's generated types carry them.

export interface CompletionCursor {
  /** 1-based, as Monaco counts. */
  line: number;
  column: number;
}

export interface RecentEdit {
  path: string;
  /** 1-based line of the first line of `text`. */
  start_line: number;
  text: string;
}

export interface CompletionContext {
  /** Stable per editor: the server cancels that editor's in-flight request on a new one. */
  editor_id?: string;
  version?: number;
  recent_edits?: RecentEdit[];
}

export interface CompleteRequest {
  path: string;
  language: string;
  prefix: string;
  suffix: string;
  cursor: CompletionCursor;
  context?: CompletionContext;
}

export interface CompletionRange {
  start_line: number;
  start_column: number;
  end_line: number;
  end_column: number;
}

export interface CompletionItem {
  text: string;
  range: CompletionRange;
}

export interface CompleteResponse {
  id: string;
  items: CompletionItem[];
  /** "provider:model" */
  model: string;
  cached: boolean;
  latency_ms: number;
}

export type FeedbackOutcome = "shown" | "accepted" | "partial" | "dismissed";

export interface FeedbackBody {
  id: string;
  outcome: FeedbackOutcome;
  accepted_chars?: number;
}

export interface CompletionStatsRow {
  shown: number;
  accepted: number;
  partial: number;
  dismissed: number;
  acceptance_rate: number | null;
  latency_p50: number | null;
}

export interface CompletionStats {
  total: number;
  shown: number;
  accepted: number;
  partial: number;
  dismissed: number;
  acceptance_rate: number | null;
  latency_ms: { p50: number | null; p95: number | null };
  by_model: (CompletionStatsRow & { model: string })[];
  by_language: (CompletionStatsRow & { language: string })[];
}

export interface WarmResponse {
  model: string;
  state: string;
}
