// The context inspector: what the next message will include, with its token cost.
// × leaves an item out of the next message; clicking an excluded item brings it back.
import type { ContextPreview, ContextReport } from "./chatApi";

function label(item: ContextReport): string {
  if (item.kind === "selection") return item.title ?? "Selection";
  if (item.kind === "error") return item.title ?? "Error";
  if (item.kind === "folder") return `${item.path ?? "."}/`;
  return item.path ?? item.title ?? item.kind;
}

export function ContextChips({ preview, exclude, onToggle, error }: {
  preview: ContextPreview | null;
  exclude: string[];
  onToggle: (id: string) => void;
  error: string | null;
}) {
  if (error) return <div className="chat-context chat-context-error" role="status">{error}</div>;
  if (!preview) return null;
  const items = preview.context.filter((i) => i.kind !== "history");
  const history = preview.context.filter((i) => i.kind === "history" && i.included);
  const { prompt_tokens: used, window } = preview.budget;
  return (
    <div className="chat-context" aria-label="Context for the next message">
      {items.map((item) => {
        const removed = exclude.includes(item.id);
        const state = removed ? "removed" : !item.included ? "excluded" : item.truncated ? "truncated" : "included";
        const why = removed ? "Left out (click to include)" : item.reason ?? (item.truncated ? "Truncated to fit the token budget" : "Included");
        return (
          <span key={item.id} className={`chat-chip ${state}`} title={`${item.kind}: ${why}`} data-id={item.id}>
            <button type="button" className="chat-chip-main" onClick={() => removed && onToggle(item.id)} disabled={!removed}>
              <span className="chat-chip-kind">{item.kind}</span> {label(item)}
              {item.included && !removed && <span className="chat-chip-tokens">{item.tokens} tok{item.truncated ? " (cut)" : ""}</span>}
            </button>
            {!removed && item.included && (
              <button type="button" className="chat-chip-x" aria-label={`Leave out ${label(item)}`} onClick={() => onToggle(item.id)}>
                ×
              </button>
            )}
          </span>
        );
      })}
      {history.length > 0 && (
        <span className="chat-chip included" title="Earlier messages of this conversation">
          <span className="chat-chip-kind">history</span> {history.length} msgs
          <span className="chat-chip-tokens">{history.reduce((n, h) => n + h.tokens, 0)} tok</span>
        </span>
      )}
      <span className="chat-budget" title="Prompt tokens (system, context, history, your message) of the model's context window">
        {used}/{window} tok · {preview.model}
      </span>
    </div>
  );
}
