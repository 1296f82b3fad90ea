// The completion API's shapes (issue 11: POST /api/complete, Socket.IO complete:request /
// complete:cancel, /api/complete/feedback, /stats, /warm): aliases of the types generated from
// the server's OpenAPI document (api/schema.ts; `make api-types`).
import type { Schema } from "../api/schema";

export type CompletionCursor = Schema<"CompletionCursor">;
export type RecentEdit = Schema<"RecentEdit">;
export type CompletionContext = Schema<"CompletionContext">;
export type CompleteRequest = Schema<"CompleteRequest">;
export type CompletionRange = Schema<"CompletionRange">;
export type CompletionItem = Schema<"CompletionItem">;
export type CompleteResponse = Schema<"CompleteResponse">;

export type FeedbackBody = Schema<"CompletionFeedback">;
export type FeedbackOutcome = FeedbackBody["outcome"];

export type CompletionStats = Schema<"CompletionStatsResponse">;
export type CompletionModelStats = Schema<"CompletionModelStats">;
export type CompletionLanguageStats = Schema<"CompletionLanguageStats">;

export type WarmResponse = Schema<"CompletionWarm">;

/**
 * What the `complete:request` ack carries when the server refuses (the Socket.IO handler's
 * `{error, status}`, realtime/handlers/complete.py): the OpenAPI document does not describe acks.
 */
export interface SocketAckError {
  error: string;
  status?: number;
}
