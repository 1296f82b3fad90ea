// Status bar item: inline completion on / off / working / error (with the server's reason);
// a click toggles it.
import { useCompletionSettings } from "../stores/settings";
import { executeCommand } from "../workbench/commands";
import { completionLabel, TOGGLE_COMPLETION, useCompletionStatus, type CompletionState } from "./status";

export function CompletionStatusItem() {
  const settings = useCompletionSettings();
  const { working, starting, error, errorStatus, lastModel, lastLatencyMs } = useCompletionStatus();
  const enabled = settings["completion.enabled"];
  const state: CompletionState = !enabled ? "off" : error ? "error" : working || starting ? "working" : "on";
  const disabled = settings["completion.disabledLanguages"];
  const title = [
    !enabled
      ? "Inline completion is off"
      : state === "error"
        ? `Inline completion failed: ${error}`
        : starting
          ? "Inline completion: starting the model…"
          : state === "working"
            ? "Inline completion: asking the model…"
            : "Inline completion is on",
    lastModel ? `Last answer: ${lastModel}${lastLatencyMs != null ? ` in ${Math.round(lastLatencyMs)} ms` : ""}` : "",
    disabled.length ? `Off for: ${disabled.join(", ")}` : "",
    `Click to turn it ${enabled ? "off" : "on"}`,
  ]
    .filter(Boolean)
    .join("\n");
  return (
    <button
      type="button"
      className="status-item status-completion"
      title={title}
      aria-label={title}
      data-testid="status-completion"
      data-state={state}
      onClick={() => void executeCommand(TOGGLE_COMPLETION)}
    >
      <span className={`completion-indicator ${state}`} aria-hidden="true" />
      <span className="completion-label">{completionLabel(state, error, errorStatus)}</span>
    </button>
  );
}
