// Placeholder: the chat engineer owns and replaces everything under src/chat/.
export function ChatPanel() {
  return (
    <div className="chat-placeholder" role="region" aria-label="Chat">
      <p>Chat</p>
    </div>
  );
}
