// Chat state and its Socket.IO wiring: `chat:send` (ack) -> `chat:started`, `chat:delta`…,
// `chat:done` | `chat:error` in the conversation's room; `chat:cancel`, `chat:retry`, `chat:join`.
import { create } from "zustand";
import { errorMessage } from "../api/http";
import type { ServerEvents } from "../api/schema";
import { getSocket } from "../api/socket";
import { getActiveFile, getCursorLine, getSelection } from "../editor/editorApi";
import {
  chatApi,
  type ChatRequest,
  type ContextPreview,
  type ContextReport,
  type Conversation,
  type Usage,
} from "./chatApi";
import { MODELS_KEY, queryClient } from "../stores/queryClient";

export interface UiMessage {
  id: string;
  role: string;
  content: string;
  model?: string | null;
  usage?: Usage | null;
  finishReason?: string | null;
  context?: ContextReport[] | null;
  streaming?: boolean;
  error?: string | null;
}

export type ChatView = "chat" | "history";

interface ChatState {
  view: ChatView;
  conversations: Conversation[];
  currentId: string | null;
  messages: UiMessage[];
  streamingId: string | null;
  sending: boolean;
  sendError: string | null;
  /** The input's text (per conversation: a new one starts empty). */
  draft: string;
  /** Context items the user left out: they stay out for the rest of the conversation. */
  exclude: string[];
  /** `exclude` of the other conversations opened in this session, by id. */
  excludeByConversation: Record<string, string[]>;
  mentions: string[];
  /** Secret files the user confirmed attaching (chip "Attach anyway…"): for the next message only. */
  allowSecrets: string[];
  /** Errors/tracebacks pasted into the input: sent as their own context items. */
  errors: string[];
  preview: ContextPreview | null;
  previewError: string | null;
}

export const useChat = create<ChatState>(() => ({
  view: "chat",
  conversations: [],
  currentId: null,
  messages: [],
  streamingId: null,
  sending: false,
  sendError: null,
  draft: "",
  exclude: [],
  excludeByConversation: {},
  mentions: [],
  allowSecrets: [],
  errors: [],
  preview: null,
  previewError: null,
}));

const set = useChat.setState;
const get = useChat.getState;
type Ack = {
  error?: string;
  status?: number;
  conversation_id?: string;
  message_id?: string;
  context?: ContextReport[];
};

function patchMessage(id: string, patch: (m: UiMessage) => UiMessage): void {
  set((s) => ({ messages: s.messages.map((m) => (m.id === id ? patch(m) : m)) }));
}

// Deltas that arrive before `chat:started` has created their message (never expected, cheap to handle).
const early = new Map<string, string>();

/** `chat:started`: the server accepted a message; its answer streams next. */
export function onChatStarted(d: ServerEvents["chat:started"]): void {
  const s = get();
  if (s.currentId === null && s.sending) set({ currentId: d.conversation_id });
  if (get().currentId !== d.conversation_id) return;
  set((st) => {
    const messages = st.messages.filter((m) => m.id !== d.message_id);
    if (!messages.some((m) => m.id === d.user_message_id)) {
      messages.push({ id: d.user_message_id, role: "user", content: d.text, context: d.context });
    }
    messages.push({
      id: d.message_id,
      role: "assistant",
      content: early.get(d.message_id) ?? "",
      model: d.model,
      streaming: true,
    });
    early.delete(d.message_id);
    return { messages, streamingId: d.message_id };
  });
}

export function onChatDelta(d: ServerEvents["chat:delta"]): void {
  if (!get().messages.some((m) => m.id === d.message_id)) {
    early.set(d.message_id, (early.get(d.message_id) ?? "") + d.text);
    return;
  }
  patchMessage(d.message_id, (m) => ({ ...m, content: m.content + d.text }));
}

export function onChatDone(d: ServerEvents["chat:done"]): void {
  patchMessage(d.message_id, (m) => ({
    ...m,
    streaming: false,
    usage: d.usage,
    finishReason: d.finish_reason,
    model: d.model,
  }));
  if (get().streamingId === d.message_id) set({ streamingId: null });
  void refreshConversations();
}

export function onChatError(d: ServerEvents["chat:error"]): void {
  patchMessage(d.message_id, (m) => ({ ...m, streaming: false, error: d.detail }));
  if (get().streamingId === d.message_id) set({ streamingId: null });
  // A failed answer often means a provider changed state (the embedded model crashed):
  // the status bar and the model settings show it now, not at their next poll.
  void queryClient.invalidateQueries({ queryKey: MODELS_KEY });
}

/** After a reconnect the server no longer has us in the conversation's room: join again. */
export function rejoinConversation(): void {
  const id = get().currentId;
  if (id) getSocket().emit("chat:join", { conversation_id: id });
}

async function call(event: string, body: unknown): Promise<Ack> {
  try {
    return (await getSocket().timeout(30000).emitWithAck(event, body)) as Ack;
  } catch {
    return { error: "The server did not answer (connection lost?). Try again.", status: 0 };
  }
}

export async function refreshConversations(): Promise<void> {
  try {
    set({ conversations: (await chatApi.list()).conversations });
  } catch (err) {
    set({ sendError: errorMessage(err) });
  }
}

export async function openConversation(id: string | null): Promise<void> {
  set((s) => {
    const saved = s.currentId ? { ...s.excludeByConversation, [s.currentId]: s.exclude } : s.excludeByConversation;
    const exclude = id ? (saved[id] ?? []) : [];
    return {
      currentId: id,
      messages: [],
      streamingId: null,
      sendError: null,
      view: "chat",
      draft: "",
      exclude,
      excludeByConversation: saved,
      mentions: [],
      allowSecrets: [],
      errors: [],
    };
  });
  if (!id) return;
  try {
    const detail = await chatApi.get(id);
    if (get().currentId !== id) return;
    set({
      messages: detail.messages.map((m) => ({
        id: m.id,
        role: m.role,
        content: m.content,
        model: m.model,
        usage: m.usage,
        finishReason: m.finish_reason,
        context: m.context,
      })),
      streamingId: detail.streaming[0] ?? null,
    });
    await call("chat:join", { conversation_id: id });
  } catch (err) {
    set({ sendError: errorMessage(err) });
  }
}

/** The request for the current input: the editor's active file and selection ride along. */
export function buildRequest(text: string): ChatRequest {
  const file = getActiveFile();
  const selection = getSelection();
  const s = get();
  return {
    conversation_id: s.currentId,
    text,
    // Unsaved edits are sent; otherwise the server reads the file itself.
    active_file: file
      ? {
          path: file.path,
          language: file.language,
          cursor_line: getCursorLine() ?? undefined,
          ...(file.dirty ? { content: file.content } : {}),
        }
      : null,
    selection: selection
      ? { path: selection.path, text: selection.text, start_line: selection.startLine, end_line: selection.endLine }
      : null,
    mentions: s.mentions.filter((m) => text.includes(`@${m}`)),
    errors: s.errors,
    exclude: s.exclude,
    allow_secrets: s.allowSecrets,
  };
}

/** Sends; resolves true when the server accepted it (the input can then be cleared). */
export async function send(text: string): Promise<boolean> {
  if (!text.trim() || get().streamingId) return false;
  set({ sending: true, sendError: null });
  try {
    const ack = await call("chat:send", buildRequest(text));
    if (ack.error) {
      set({ sendError: ack.error });
      return false;
    }
    if (!get().currentId && ack.conversation_id) set({ currentId: ack.conversation_id });
    // Mentions and pasted errors were for this message; left-out items stay left out.
    set((s) => ({ mentions: [], allowSecrets: [], errors: [], draft: s.draft === text ? "" : s.draft }));
    return true;
  } finally {
    set({ sending: false });
  }
}

export function addPastedError(text: string): void {
  set((s) => ({ errors: [...s.errors, text] }));
}

export function stop(): void {
  const id = get().streamingId;
  if (id) getSocket().emit("chat:cancel", { message_id: id });
}

export async function retry(): Promise<void> {
  const id = get().currentId;
  if (!id || get().streamingId) return;
  set((s) => {
    const messages = [...s.messages];
    while (messages.length && messages[messages.length - 1].role !== "user") messages.pop();
    return { messages, sendError: null };
  });
  const ack = await call("chat:retry", { conversation_id: id });
  if (ack.error) set({ sendError: ack.error });
}

export async function newConversation(): Promise<void> {
  await openConversation(null);
}
