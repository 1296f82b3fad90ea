// REST side of chat: conversations and the context preview (models: settings/models/).
// Streaming is Socket.IO (see chatStore.ts).
import { api } from "../api/http";

/** Why an item was included (codebase snippets: the retrieval signals and the line range). */
export interface ContextMeta {
  why?: string;
  score?: number;
  start_line?: number;
  end_line?: number;
  signals?: { name: string; rank: number; detail: string }[];
  /** A secret file (the workspace's visibility policy): refused unless attached explicitly. */
  secret?: boolean;
  [key: string]: unknown;
}

export interface ContextReport {
  id: string;
  kind: string;
  path: string | null;
  title: string | null;
  tokens: number;
  included: boolean;
  truncated: boolean;
  /** Why it was left out (over budget, removed by you, unreadable…). */
  reason: string | null;
  meta?: ContextMeta;
}

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  estimated?: boolean;
}

export interface ChatMessage {
  id: string;
  conversation_id: string;
  role: "user" | "assistant" | (string & {});
  content: string;
  model: string | null;
  finish_reason: string | null;
  usage: Usage | null;
  context: ContextReport[] | null;
  created_at: string;
}

export interface Conversation {
  id: string;
  title: string;
  created_at: string;
  updated_at: string;
  message_count: number;
}

export interface ConversationDetail extends Conversation {
  messages: ChatMessage[];
  streaming: string[];
}

export interface Budget {
  window: number;
  reserved_output: number;
  prompt_tokens: number;
  context_tokens: number;
}

/** The body of `chat:send` and of POST /api/chat/context. */
export interface ChatRequest {
  conversation_id?: string | null;
  text: string;
  model?: string | null;
  active_file?: { path: string; content?: string; language?: string; cursor_line?: number } | null;
  selection?: { path: string; text: string; start_line: number; end_line: number } | null;
  mentions?: string[];
  errors?: string[];
  exclude?: string[];
  /** Secret files the user confirmed attaching (sent only after the confirmation dialog). */
  allow_secrets?: string[];
  max_tokens?: number;
}

export interface ContextPreview {
  model: string;
  context: ContextReport[];
  budget: Budget;
}

const enc = encodeURIComponent;

export const chatApi = {
  list: () => api<{ conversations: Conversation[] }>("/api/conversations"),
  create: (title?: string) => api<Conversation>("/api/conversations", { method: "POST", body: { title } }),
  get: (id: string) => api<ConversationDetail>(`/api/conversations/${enc(id)}`),
  rename: (id: string, title: string) =>
    api<Conversation>(`/api/conversations/${enc(id)}`, { method: "PATCH", body: { title } }),
  remove: (id: string) => api<null>(`/api/conversations/${enc(id)}`, { method: "DELETE" }),
  exportUrl: (id: string) => `/api/conversations/${enc(id)}/export`,
  preview: (body: ChatRequest, signal?: AbortSignal) =>
    api<ContextPreview>("/api/chat/context", { method: "POST", body, signal }),
};
