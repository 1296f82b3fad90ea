// REST side of chat: conversations and the context preview (models: settings/models/).
// Streaming is Socket.IO (see chatStore.ts).
import { withBase } from "../api/base";
import { call, type Schema, type ServerEvents } from "../api/schema";

/**
 * Why an item was included (codebase snippets: the retrieval signals and the line range): the
 * UI's reading of the server's open `meta` object (ContextEntry.meta is `{[key]: unknown}`).
 */
export interface ContextMeta {
  why?: string;
  score?: number;
  start_line?: number;
  end_line?: number;
  signals?: Schema<"SignalOut">[];
  /** A secret file (the workspace's visibility policy): refused unless attached explicitly. */
  secret?: boolean;
  [key: string]: unknown;
}

/** One context item (the server's ContextEntry); `reason`: why it was left out. */
export type ContextReport = Omit<Schema<"ContextEntry">, "meta"> & { meta?: ContextMeta };

export type Usage = ServerEvents["chat:done"]["usage"] & {};

/**
 * A stored message. The server stores `usage` and `context` as it sent them with
 * `chat:done`/`chat:started` but declares them as open objects: typed here as those events'.
 */
export type ChatMessage = Omit<Schema<"StoredMessage">, "usage" | "context"> & {
  usage: Usage | null;
  context: ContextReport[] | null;
};

export type Conversation = Schema<"Conversation">;

export type ConversationDetail = Omit<Schema<"ConversationDetail">, "messages"> & { messages: ChatMessage[] };

export type Budget = Schema<"Budget">;

/** The body of `chat:send` and of POST /api/chat/context. */
export type ChatRequest = Schema<"ChatSendRequest">;

export type ContextPreview = Omit<Schema<"ContextPreview">, "context"> & { context: ContextReport[] };

const enc = encodeURIComponent;

const conversation = (id: string) => ({ params: { conversation_id: id } });

export const chatApi = {
  list: () => call("get", "/api/conversations"),
  create: (title?: string) => call("post", "/api/conversations", { body: { title } }),
  // The stored messages' open `usage`/`context` objects, read as the events that produced them.
  get: (id: string) =>
    call("get", "/api/conversations/{conversation_id}", conversation(id)).then((d) => d as ConversationDetail),
  rename: (id: string, title: string) =>
    call("patch", "/api/conversations/{conversation_id}", { ...conversation(id), body: { title } }),
  remove: (id: string) => call("delete", "/api/conversations/{conversation_id}", conversation(id)),
  exportUrl: (id: string) => withBase(`/api/conversations/${enc(id)}/export`),
  preview: (body: ChatRequest, signal?: AbortSignal): Promise<ContextPreview> =>
    call("post", "/api/chat/context", { body, signal }),
};
