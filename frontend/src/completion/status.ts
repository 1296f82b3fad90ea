// What the status bar item shows: working while a request is in flight, the last error with
// the server's reason until an answer arrives, the last answer's model and latency.
import { create } from "zustand";
import type { EngineEvent } from "./engine";

export interface CompletionStatus {
  working: boolean;
  /** The warm-up is loading the model. */
  starting: boolean;
  error: string | null;
  /** The HTTP status of the error (504 timeout, 503 model unavailable, 502 provider refused). */
  errorStatus: number | null;
  lastModel: string | null;
  lastLatencyMs: number | null;
}

export const useCompletionStatus = create<CompletionStatus>(() => ({
  working: false,
  starting: false,
  error: null,
  errorStatus: null,
  lastModel: null,
  lastLatencyMs: null,
}));

export function applyEngineEvent(event: EngineEvent): void {
  switch (event.kind) {
    case "working":
      useCompletionStatus.setState({ working: true });
      break;
    case "idle":
      useCompletionStatus.setState({ working: false });
      break;
    case "answered":
      useCompletionStatus.setState({
        error: null,
        errorStatus: null,
        lastModel: event.model,
        lastLatencyMs: event.latencyMs,
      });
      break;
    case "error":
      useCompletionStatus.setState({ working: false, error: event.reason, errorStatus: event.status });
      break;
  }
}

export function setCompletionError(reason: string | null, status: number | null = null): void {
  useCompletionStatus.setState({ error: reason, errorStatus: status });
}

export const TOGGLE_COMPLETION = "pairpad.completion.toggle";

export type CompletionState = "on" | "off" | "working" | "error";

/** The status bar's short text; the tooltip has the server's whole reason. */
export function completionLabel(state: CompletionState, error: string | null, status: number | null = null): string {
  switch (state) {
    case "off":
      return "Completion: off";
    case "working":
      return "Completion …";
    case "error":
      return `Completion: ${shortError(error ?? "error", status)}`;
    default:
      return "Completion";
  }
}

/** "did not answer within 3s (ai.autocomplete.timeout): …" with 504 → "timed out (ai.autocomplete.timeout)". */
export function shortError(reason: string, status: number | null): string {
  const setting = /\((ai\.[\w.]+)\)/.exec(reason)?.[1] ?? /\b(ai\.[\w.]+)/.exec(reason)?.[1];
  const named = (text: string) => (setting ? `${text} (${setting})` : text);
  if (status === 504) return named("timed out");
  if (status === 503) return named("model unavailable");
  if (status === 502) return named("provider refused");
  return reason.length > 60 ? `${reason.slice(0, 59)}…` : reason;
}
