// The task box (Ctrl+Enter runs), the mode and model pickers, Run / Cancel.
import { useEffect, useRef } from "react";
import { useConnection } from "../api/socket";
import { cancelRun, startRun, useAgent } from "./agentStore";
import { isLive, MODES } from "./describe";
import { useModelChoices } from "./models";

export function TaskForm() {
  const draft = useAgent((s) => s.draft);
  const mode = useAgent((s) => s.mode);
  const model = useAgent((s) => s.model);
  const starting = useAgent((s) => s.starting);
  const cancelling = useAgent((s) => s.cancelling);
  const live = useAgent((s) => isLive(s.run?.status));
  const focusTick = useAgent((s) => s.focusTick);
  const connected = useConnection((s) => s.status === "connected");
  const everConnected = useConnection((s) => s.everConnected);
  const { refs, defaultRef, error } = useModelChoices();
  const box = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (focusTick > 0) box.current?.focus();
  }, [focusTick]);

  const hint = MODES.find((m) => m.id === mode)?.hint ?? "";
  const canRun = !!draft.trim() && !starting && !live && connected;
  return (
    <form
      className="agent-form"
      aria-label="New agent task"
      onSubmit={(e) => {
        e.preventDefault();
        if (canRun) void startRun();
      }}
    >
      <textarea
        ref={box}
        className="agent-task"
        aria-label="Task"
        rows={3}
        value={draft}
        placeholder={
          connected ? "Describe the task (Ctrl+Enter to run)" : everConnected ? "Reconnecting…" : "Connecting…"
        }
        onChange={(e) => useAgent.setState({ draft: e.target.value })}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            if (canRun) void startRun();
          }
        }}
      />
      <div className="agent-modes" role="radiogroup" aria-label="Mode">
        {MODES.map((m) => (
          <button
            key={m.id}
            type="button"
            role="radio"
            aria-checked={mode === m.id}
            className={`agent-mode ${mode === m.id ? "on" : ""}`}
            title={m.hint}
            onClick={() => useAgent.setState({ mode: m.id })}
          >
            {m.label}
          </button>
        ))}
      </div>
      <p className="agent-mode-hint">{hint}</p>
      <div className="agent-form-row">
        <select
          className="agent-model"
          aria-label="Model"
          value={model}
          title={error ? `Could not list the models: ${error}` : "The model the agent uses"}
          onChange={(e) => useAgent.setState({ model: e.target.value })}
        >
          <option value="">Default model{defaultRef ? ` (${defaultRef})` : ""}</option>
          {model && !refs.includes(model) && <option value={model}>{model}</option>}
          {refs.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        {live ? (
          <button type="button" className="btn danger" disabled={cancelling} onClick={() => void cancelRun()}>
            {cancelling ? "Cancelling…" : "Cancel"}
          </button>
        ) : (
          <button type="submit" className="btn primary" disabled={!canRun} title="Run (Ctrl+Enter)">
            {starting ? "Starting…" : "Run"}
          </button>
        )}
      </div>
    </form>
  );
}
