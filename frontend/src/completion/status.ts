// What the status bar item shows: working while a request is in flight, the last error with
// the server's reason until an answer arrives, the last answer's model and latency.
import { create } from "zustand";
import type { EngineEvent } from "./engine";

export interface CompletionStatus {
  working: boolean;
  error: string | null;
  lastModel: string | null;
  lastLatencyMs: number | null;
}

export const useCompletionStatus = create<CompletionStatus>(() => ({
  working: false,
  error: null,
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
      useCompletionStatus.setState({ error: null, lastModel: event.model, lastLatencyMs: event.latencyMs });
      break;
    case "error":
      useCompletionStatus.setState({ working: false, error: event.reason });
      break;
  }
}

export function setCompletionError(reason: string | null): void {
  useCompletionStatus.setState({ error: reason });
}

export const TOGGLE_COMPLETION = "pairpad.completion.toggle";

export type CompletionState = "on" | "off" | "working" | "error";

export function completionLabel(state: CompletionState, error: string | null): string {
  switch (state) {
    case "off":
      return "Completion: off";
    case "working":
      return "Completion …";
    case "error":
      return `Completion: ${error ?? "error"}`;
    default:
      return "Completion";
  }
}
