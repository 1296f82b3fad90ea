// The adaptive debounce: how long to wait after a keystroke before asking for a completion.
//
// Published figures it sits between: Continue waits a fixed 350 ms; Zed ~8 ms (with at most two
// requests in flight). A request here costs a model generation on a small machine, so a burst
// of typing should not start one per key, but a pause should answer as soon as possible:
//   - while typing, wait a little longer than the user's own rhythm (1.25 × the smoothed
//     interval between keys, intervals over 1 s ignored as pauses), so the next key usually
//     arrives first and no request is wasted; a slow typist is not kept waiting for more;
//   - when the last answer was slow (latency_ms), a wasted request costs more: wait at least
//     a quarter of it (a 400 ms model → 100 ms);
//   - never less than 15 ms (Zed's ~8 ms, plus a margin for our socket round trip), never
//     more than 350 ms (Continue's fixed figure: we never wait longer than it does).
export const MIN_DEBOUNCE_MS = 15;
export const MAX_DEBOUNCE_MS = 350;
/** Before any keystroke rhythm is known. */
export const DEFAULT_DEBOUNCE_MS = 75;
const PAUSE_MS = 1000;
const SMOOTHING = 0.3;

export function debounceDelay(typingIntervalMs: number | null, lastLatencyMs: number | null): number {
  const fromTyping = typingIntervalMs === null ? DEFAULT_DEBOUNCE_MS : typingIntervalMs * 1.25;
  const fromLatency = lastLatencyMs === null ? 0 : lastLatencyMs / 4;
  const delay = Math.max(fromTyping, fromLatency);
  return Math.round(Math.min(MAX_DEBOUNCE_MS, Math.max(MIN_DEBOUNCE_MS, delay)));
}

/** The user's typing rhythm: an exponentially smoothed interval between keystrokes. */
export class KeystrokeRhythm {
  private last: number | null = null;
  private smoothed: number | null = null;

  record(now: number): void {
    if (this.last !== null) {
      const interval = now - this.last;
      if (interval >= 0 && interval < PAUSE_MS) {
        this.smoothed = this.smoothed === null ? interval : this.smoothed + SMOOTHING * (interval - this.smoothed);
      }
    }
    this.last = now;
  }

  get interval(): number | null {
    return this.smoothed;
  }
}
