// The context inspector: what the next message will include, why, and its token cost.
// Each chip: kind, path:start-end, the reason (retrieval signals for @codebase snippets), tokens.
// × leaves an item out of the next message; clicking an excluded item brings it back.
import type { ContextPreview, ContextReport } from "./chatApi";
import { chipLabel, chipWhy, confirmAttachText, historyLabel, secretToAttach } from "./chipText";

function tooltip(item: ContextReport, removed: boolean): string {
  const lines = [`${item.kind}: ${chipLabel(item)}`];
  const why = chipWhy(item);
  if (why) lines.push(`Why: ${why}`);
  for (const s of item.meta?.signals ?? []) lines.push(`  ${s.name}${s.rank ? ` #${s.rank}` : ""}: ${s.detail}`);
  if (removed) lines.push("Left out (click to include)");
  else if (!item.included) lines.push(`Left out: ${item.reason ?? "over the token budget"}`);
  else lines.push(`${item.tokens} tokens${item.truncated ? ", truncated to fit the token budget" : ""}`);
  return lines.join("\n");
}

export function ContextChips({
  preview,
  exclude,
  onToggle,
  error,
  onAttachSecret,
}: {
  preview: ContextPreview | null;
  exclude: string[];
  onToggle: (id: string) => void;
  error: string | null;
  /** A refused secret file the user confirmed attaching to the next message. */
  onAttachSecret?: (path: string) => void;
}) {
  if (error)
    return (
      <div className="chat-context chat-context-error" role="status">
        {error}
      </div>
    );
  if (!preview) return null;
  const items = preview.context.filter((i) => i.kind !== "history");
  const history = preview.context.filter((i) => i.kind === "history" && i.included);
  const { prompt_tokens: used, window } = preview.budget;
  return (
    <div className="chat-context" aria-label="Context for the next message">
      {items.map((item) => {
        const removed = exclude.includes(item.id);
        const state = removed ? "removed" : !item.included ? "excluded" : item.truncated ? "truncated" : "included";
        const why = chipWhy(item);
        const secret = removed ? null : secretToAttach(item);
        return (
          <span
            key={item.id}
            className={`chat-chip ${state}`}
            title={tooltip(item, removed)}
            data-id={item.id}
            data-kind={item.kind}
          >
            <button
              type="button"
              className="chat-chip-main"
              onClick={() => removed && onToggle(item.id)}
              disabled={!removed}
            >
              <span className="chat-chip-kind">{item.kind}</span>{" "}
              <span className="chat-chip-path">{chipLabel(item)}</span>
              {item.included && !removed && (
                <span className="chat-chip-tokens">
                  {item.tokens} tok{item.truncated ? " (cut)" : ""}
                </span>
              )}
              {why && <span className="chat-chip-why">{why}</span>}
              {!item.included && !removed && item.reason && <span className="chat-chip-why">{item.reason}</span>}
            </button>
            {secret && onAttachSecret && (
              <button
                type="button"
                className="chat-chip-attach"
                onClick={() => globalThis.confirm(confirmAttachText(secret)) && onAttachSecret(secret)}
              >
                Attach anyway…
              </button>
            )}
            {!removed && item.included && (
              <button
                type="button"
                className="chat-chip-x"
                aria-label={`Leave out ${chipLabel(item)}`}
                onClick={() => onToggle(item.id)}
              >
                ×
              </button>
            )}
          </span>
        );
      })}
      {history.length > 0 && (
        <span className="chat-chip included" title="Earlier messages of this conversation" data-kind="history">
          {/* Same layout as the other chips: each part its own flex item, with a gap between. */}
          <span className="chat-chip-main">
            <span className="chat-chip-kind">history</span>
            <span className="chat-chip-path">{historyLabel(history.length)}</span>
            <span className="chat-chip-tokens">{history.reduce((n, h) => n + h.tokens, 0)} tok</span>
          </span>
        </span>
      )}
      <span
        className="chat-budget"
        title="Prompt tokens (system, context, history, your message) of the model's context window"
      >
        {used}/{window} tok · {preview.model}
      </span>
    </div>
  );
}
