// All conversations: open, rename, delete, export as Markdown.
import { useEffect, useState } from "react";
import { errorMessage } from "../api/http";
import { useNotifications } from "../stores/notifications";
import { chatApi } from "./chatApi";
import { newConversation, openConversation, refreshConversations, useChat } from "./chatStore";

export function ConversationList() {
  const conversations = useChat((s) => s.conversations);
  const currentId = useChat((s) => s.currentId);
  const [editing, setEditing] = useState<{ id: string; title: string } | null>(null);
  const notify = useNotifications.getState().push;

  useEffect(() => {
    void refreshConversations();
  }, []);

  const act = async (action: () => Promise<unknown>) => {
    try {
      await action();
    } catch (err) {
      notify("error", errorMessage(err));
    }
    await refreshConversations();
  };

  return (
    <div className="chat-history" aria-label="Conversations">
      <button type="button" className="btn primary" onClick={() => void newConversation()}>
        New chat
      </button>
      {conversations.length === 0 && <p className="muted">No conversations yet.</p>}
      <ul>
        {conversations.map((c) => (
          <li key={c.id} className={c.id === currentId ? "current" : ""}>
            {editing?.id === c.id ? (
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  void act(() => chatApi.rename(c.id, editing.title)).then(() => setEditing(null));
                }}
              >
                <input
                  aria-label="Conversation title"
                  autoFocus
                  value={editing.title}
                  onChange={(e) => setEditing({ id: c.id, title: e.target.value })}
                  onKeyDown={(e) => e.key === "Escape" && setEditing(null)}
                />
              </form>
            ) : (
              <button
                type="button"
                className="chat-history-title"
                onClick={() => void openConversation(c.id)}
                title={c.title}
              >
                {c.title}
                <span className="muted">
                  {" "}
                  · {c.message_count} msgs · {new Date(c.updated_at).toLocaleString()}
                </span>
              </button>
            )}
            <span className="chat-history-actions">
              <button type="button" className="chat-code-btn" onClick={() => setEditing({ id: c.id, title: c.title })}>
                Rename
              </button>
              <a className="chat-code-btn" href={chatApi.exportUrl(c.id)} download>
                Export
              </a>
              <button
                type="button"
                className="chat-code-btn"
                onClick={() => {
                  if (window.confirm(`Delete “${c.title}”?`)) {
                    void act(async () => {
                      await chatApi.remove(c.id);
                      if (useChat.getState().currentId === c.id) await newConversation();
                    });
                  }
                }}
              >
                Delete
              </button>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
