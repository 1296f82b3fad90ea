// The chat side view: conversation, streamed answers, the context inspector and the input.
import { useEffect, useRef, useState } from "react";
import { useConnection } from "../api/socket";
import { getActiveFile, getSelection } from "../editor/editorApi";
import { chatApi } from "./chatApi";
import {
  addPastedError,
  buildRequest,
  openConversation,
  retry,
  send,
  stop,
  useChat,
  type UiMessage,
} from "./chatStore";
import { executeCommand } from "../workbench/commands";
import { looksLikeError } from "./pasted";
import { ConversationList } from "./ConversationList";
import { ContextChips } from "./ContextChips";
import { Markdown } from "./Markdown";
import { MentionInput } from "./MentionInput";
import "./chat.css";

function Usage({ message }: { message: UiMessage }) {
  const parts = [message.model ?? ""];
  if (message.usage) {
    const est = message.usage.estimated ? "~" : "";
    parts.push(`${est}${message.usage.input_tokens} in · ${est}${message.usage.output_tokens} out`);
  }
  if (message.finishReason && message.finishReason !== "stop") {
    parts.push(message.finishReason === "length" ? "stopped at the token limit" : message.finishReason);
  }
  return <div className="chat-usage">{parts.filter(Boolean).join(" · ")}</div>;
}

/** The files of the context of the question an answer replies to. */
function questionPaths(messages: UiMessage[], index: number): string[] {
  for (let i = index - 1; i >= 0; i--) {
    if (messages[i].role === "user") {
      return (messages[i].context ?? [])
        .filter((c) => c.included && c.path && c.kind !== "folder")
        .map((c) => c.path as string);
    }
  }
  return [];
}

function MessageView({ message, last, contextPaths }: { message: UiMessage; last: boolean; contextPaths: string[] }) {
  if (message.role === "user") {
    const used = (message.context ?? []).filter((c) => c.included && c.kind !== "history");
    return (
      <div className="chat-msg user" data-role="user">
        <div className="chat-user-text">{message.content}</div>
        {used.length > 0 && (
          <div className="chat-usage" title={used.map((c) => `${c.path ?? c.title} (${c.tokens} tok)`).join("\n")}>
            with {[...new Set(used.map((c) => c.path ?? c.title))].join(", ")}
          </div>
        )}
      </div>
    );
  }
  return (
    <div className="chat-msg assistant" data-role="assistant" aria-busy={message.streaming ? "true" : "false"}>
      <div className="chat-answer">
        <Markdown text={message.content} contextPaths={contextPaths} />
        {message.streaming && <span className="chat-cursor" aria-hidden="true" />}
      </div>
      {message.error && (
        <div className="chat-error" role="alert">
          {message.error}
        </div>
      )}
      {!message.streaming && <Usage message={message} />}
      {last && !message.streaming && (
        <button type="button" className="chat-code-btn" onClick={() => void retry()}>
          Retry
        </button>
      )}
    </div>
  );
}

export function ChatPanel() {
  const view = useChat((s) => s.view);
  const messages = useChat((s) => s.messages);
  const streamingId = useChat((s) => s.streamingId);
  const sending = useChat((s) => s.sending);
  const sendError = useChat((s) => s.sendError);
  const preview = useChat((s) => s.preview);
  const previewError = useChat((s) => s.previewError);
  const exclude = useChat((s) => s.exclude);
  const allowSecrets = useChat((s) => s.allowSecrets);
  const errors = useChat((s) => s.errors);
  const currentId = useChat((s) => s.currentId);
  const title = useChat((s) => s.conversations.find((c) => c.id === s.currentId)?.title);
  const connected = useConnection((s) => s.status === "connected");
  const text = useChat((s) => s.draft);
  const setText = (draft: string) => useChat.setState({ draft });
  const [editorTick, setEditorTick] = useState(0);
  const list = useRef<HTMLDivElement>(null);

  // The active file / selection live in the editor: notice when they change.
  useEffect(() => {
    let last = "";
    const timer = setInterval(() => {
      const f = getActiveFile();
      const s = getSelection();
      const sig = `${f?.path}|${f?.dirty}|${s?.startLine}:${s?.startColumn}-${s?.endLine}:${s?.endColumn}`;
      if (sig !== last) {
        last = sig;
        setEditorTick((t) => t + 1);
      }
    }, 1000);
    return () => clearInterval(timer);
  }, []);

  // Context preview for the inspector (debounced; nothing is stored).
  useEffect(() => {
    if (view !== "chat" || streamingId) return;
    // Stale answers are ignored rather than aborted: an aborted fetch is noise in the console.
    let live = true;
    const timer = setTimeout(() => {
      chatApi
        .preview(buildRequest(text))
        .then((p) => live && useChat.setState({ preview: p, previewError: null }))
        .catch((err: unknown) => {
          if (live) useChat.setState({ previewError: err instanceof Error ? err.message : String(err) });
        });
    }, 400);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text, exclude, allowSecrets, errors, currentId, editorTick, view, streamingId, messages.length]);

  useEffect(() => {
    const el = list.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 120) el.scrollTop = el.scrollHeight;
  }, [messages]);

  const submit = () => send(text);
  const toggle = (id: string) =>
    useChat.setState((s) => ({
      exclude: s.exclude.includes(id) ? s.exclude.filter((x) => x !== id) : [...s.exclude, id],
    }));

  return (
    <div className="chat-panel" role="region" aria-label="Chat">
      <div className="chat-toolbar">
        <button
          type="button"
          className="chat-code-btn"
          onClick={() => useChat.setState({ view: view === "history" ? "chat" : "history" })}
          aria-pressed={view === "history"}
        >
          History
        </button>
        <button type="button" className="chat-code-btn" onClick={() => void openConversation(null)}>
          New
        </button>
        <span className="chat-title" title={title}>
          {title ?? "New chat"}
        </span>
        <button
          type="button"
          className="chat-code-btn"
          onClick={() => void executeCommand("pairpad.openModelSettings")}
          title="Settings → AI / Models: providers, roles, API keys"
        >
          Models
        </button>
      </div>
      {view === "history" && <ConversationList />}
      {view === "chat" && (
        <>
          <div className="chat-messages" ref={list} aria-live="polite">
            {messages.length === 0 && (
              <p className="chat-empty">
                Ask about your code. The open file and selection are included; type <kbd>@</kbd> to add a file or
                folder.
              </p>
            )}
            {messages.map((m, i) => (
              <MessageView
                key={m.id}
                message={m}
                last={i === messages.length - 1 && m.role === "assistant"}
                contextPaths={m.role === "assistant" ? questionPaths(messages, i) : []}
              />
            ))}
          </div>
          <ContextChips
            preview={preview}
            exclude={exclude}
            onToggle={toggle}
            error={previewError}
            onAttachSecret={(p) => useChat.setState((s) => ({ allowSecrets: [...new Set([...s.allowSecrets, p])] }))}
          />
          {sendError && (
            <div className="chat-error" role="alert">
              {sendError}
            </div>
          )}
          <MentionInput
            value={text}
            onChange={setText}
            onSubmit={() => void submit()}
            onMention={(p) => useChat.setState((s) => ({ mentions: [...new Set([...s.mentions, p])] }))}
            onPasteError={(pasted) => looksLikeError(pasted) && (addPastedError(pasted), true)}
            placeholder={connected ? "Ask a question (Enter to send, Shift+Enter for a new line)" : "Reconnecting…"}
          />
          <div className="chat-actions">
            {streamingId ? (
              <button type="button" className="btn" onClick={stop}>
                Stop
              </button>
            ) : (
              <button
                type="button"
                className="btn primary"
                onClick={() => void submit()}
                disabled={!text.trim() || sending || !connected}
              >
                Send
              </button>
            )}
          </div>
        </>
      )}
    </div>
  );
}
