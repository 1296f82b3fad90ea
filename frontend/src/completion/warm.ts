// The warm-up of the file the user is about to type in: when a file editor gets focus or shows
// another file, its prompt at the cursor is sent to POST /api/complete/warm (`complete:warm`)
// with the body a completion there would have. The model server (llama.cpp) then holds that
// prompt's evaluation, and the file's first completion evaluates only what was typed since
// instead of the whole prompt (seconds on a small CPU, over ai.autocomplete.timeout).
//
// Debounced (switching through several files warms the last one only), at most one in flight
// (a target scheduled meanwhile is warmed after it), skipped when completion is off globally or
// for the language, and the same path and version as the last warm-up are not warmed again.
import { ApiError } from "../api/http";
import type { CompleteRequest, WarmResponse } from "./types";

export const WARM_DEBOUNCE_MS = 300;

export interface WarmTarget {
  path: string;
  language: string;
  /** The model's version id. */
  version: number;
  /** The completion body at the cursor (built only when it is sent). */
  body: () => CompleteRequest;
}

export interface FileWarmerDeps {
  send: (body: CompleteRequest) => Promise<WarmResponse>;
  /** Completion on, and not disabled for `language`. */
  enabled: (language: string) => boolean;
  delayMs?: number;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** A warm-up that failed (a 503 "starting" is not reported: the model is on its way). */
  onError?: (err: unknown) => void;
}

const keyOf = (target: WarmTarget) => `${target.version}:${target.path}`;

export class FileWarmer {
  /** Warm-ups sent (tests). */
  sent = 0;
  private timer: unknown = null;
  private next: (() => WarmTarget | null) | null = null;
  private inFlight = false;
  private lastKey: string | null = null;
  private readonly setTimer: (run: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly deps: FileWarmerDeps) {
    this.setTimer = deps.setTimer ?? ((run, ms) => setTimeout(run, ms));
    this.clearTimer = deps.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  }

  /** Warms what `target` returns once the debounce has passed (null: nothing to warm). */
  schedule(target: () => WarmTarget | null): void {
    this.next = target;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = this.setTimer(() => {
      this.timer = null;
      this.fire();
    }, this.deps.delayMs ?? WARM_DEBOUNCE_MS);
  }

  /** Drops the scheduled warm-up (completion turned off). */
  cancel(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    this.next = null;
  }

  private fire(): void {
    if (this.inFlight) return; // warmed when the one in flight ends
    const get = this.next;
    this.next = null;
    const target = get?.();
    if (!target || !this.deps.enabled(target.language)) return;
    const key = keyOf(target);
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.inFlight = true;
    this.sent++;
    this.deps
      .send(target.body())
      .catch((err: unknown) => {
        if (this.lastKey === key) this.lastKey = null; // not warmed: the next focus tries again
        if (!(err instanceof ApiError && err.status === 503)) this.deps.onError?.(err);
      })
      .finally(() => {
        this.inFlight = false;
        if (this.next && this.timer === null) this.fire();
      });
  }
}
