// Small state helpers of the team pages: a form action's busy/error state, and readable errors.
import { useCallback, useState } from "react";
import { ApiError, errorMessage } from "../api/http";

/** The server's `{detail}` as a sentence; a 429 says how long to wait (Retry-After). */
export function describeError(err: unknown): string {
  if (err instanceof ApiError && err.status === 429) {
    const wait = err.retryAfter != null ? ` Try again in ${formatSeconds(err.retryAfter)}.` : " Try again later.";
    return `${err.detail.replace(/\s*$/, "")}${wait}`;
  }
  if (err instanceof DOMException && err.name === "NotAllowedError")
    return "The passkey request was cancelled or timed out.";
  return errorMessage(err);
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

export interface Action<A extends unknown[]> {
  run: (...args: A) => Promise<void>;
  busy: boolean;
  error: string | null;
  setError: (error: string | null) => void;
}

/** Wraps an async handler: `busy` while it runs, its error kept as readable text. */
export function useAction<A extends unknown[]>(fn: (...args: A) => Promise<void>): Action<A> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async (...args: A) => {
      setBusy(true);
      setError(null);
      try {
        await fn(...args);
      } catch (err) {
        setError(describeError(err));
      } finally {
        setBusy(false);
      }
    },
    [fn],
  );
  return { run, busy, error, setError };
}
