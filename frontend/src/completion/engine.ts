// The latency discipline of inline completion, apart from Monaco: the cache first (before any
// debounce), then the adaptive debounce, at most one request in flight per editor (a new one
// aborts the old; so does Monaco's cancellation token), and never an answer for a model version
// other than the one asked about.
import { ApiError, errorMessage } from "../api/http";
import { SuggestionCache } from "./cache";
import { debounceDelay, KeystrokeRhythm } from "./debounce";
import { isAbortError, type CompletionTransport } from "./transport";
import type { CompleteRequest, CompletionRange, RecentEdit } from "./types";

export interface CompletionQuery {
  editorId: string;
  path: string;
  language: string;
  prefix: string;
  suffix: string;
  /** 1-based cursor. */
  line: number;
  column: number;
  /** The model's version id when asked. */
  version: number;
  /** Read only when a request is sent (not on a cache hit, nor for a debounced keystroke). */
  recentEdits?: () => RecentEdit[];
}

export interface CompletionAnswer {
  /** The server response's id (feedback). */
  id: string;
  text: string;
  range: CompletionRange;
  model: string;
  /** Served from the client cache without a request. */
  fromCache: boolean;
}

/** Monaco's CancellationToken, as much as the engine needs. */
export interface CancelToken {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

export type EngineEvent =
  | { kind: "working" }
  | { kind: "idle" }
  | { kind: "error"; reason: string; status: number | null }
  | { kind: "answered"; latencyMs: number; model: string };

export interface EngineDeps {
  transport: () => CompletionTransport;
  now?: () => number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  onEvent?: (event: EngineEvent) => void;
}

/** Cap what is sent around the cursor (the server fits the prompt into its token budget). */
export const MAX_PREFIX_CHARS = 16_000;
export const MAX_SUFFIX_CHARS = 4_000;

/**
 * What is sent for `query` (a completion, or the warm-up of the file at the cursor: the same
 * body gives the same prompt on the server, so the model server's prompt cache serves both).
 */
export function requestBody(query: CompletionQuery): CompleteRequest {
  return {
    path: query.path,
    language: query.language,
    prefix: query.prefix.slice(-MAX_PREFIX_CHARS),
    suffix: query.suffix.slice(0, MAX_SUFFIX_CHARS),
    cursor: { line: query.line, column: query.column },
    context: { editor_id: query.editorId, version: query.version, recent_edits: query.recentEdits?.() ?? [] },
  };
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

const emptyRangeAt = (line: number, column: number): CompletionRange => ({
  start_line: line,
  start_column: column,
  end_line: line,
  end_column: column,
});

export class CompletionEngine {
  readonly cache = new SuggestionCache();
  /** Requests sent to the server (tests, and the figures the status tooltip shows). */
  requestsSent = 0;
  private readonly rhythms = new Map<string, KeystrokeRhythm>();
  private readonly inFlight = new Map<string, AbortController>();
  private working = 0;
  private lastLatency: number | null = null;
  /** Paths the server refuses to complete (403: a secret file): not asked again. */
  private readonly refused = new Set<string>();
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(private readonly deps: EngineDeps) {
    this.now = deps.now ?? (() => performance.now());
    this.sleep = deps.sleep ?? defaultSleep;
  }

  /** The debounce the next request of this editor waits. */
  currentDelay(editorId: string): number {
    return debounceDelay(this.rhythms.get(editorId)?.interval ?? null, this.lastLatency);
  }

  /** Aborts the editor's in-flight request (the editor was disposed, completion turned off). */
  cancel(editorId: string): void {
    this.inFlight.get(editorId)?.abort();
    this.inFlight.delete(editorId);
  }

  /**
   * The suggestion for `query`, or null (nothing useful, superseded, cancelled, stale, failed).
   * `currentVersion` is read when the answer arrives: a different version gets null.
   */
  async complete(
    query: CompletionQuery,
    token: CancelToken,
    currentVersion: () => number,
  ): Promise<CompletionAnswer | null> {
    const { editorId, path, prefix, suffix, line, column } = query;
    let rhythm = this.rhythms.get(editorId);
    if (!rhythm) this.rhythms.set(editorId, (rhythm = new KeystrokeRhythm()));
    rhythm.record(this.now());

    // Whatever this editor asked before is now for an older text.
    this.cancel(editorId);

    // 1. The cache, before any debounce: typing through a shown suggestion needs no request.
    const hit = this.cache.lookup(path, prefix, suffix);
    if (hit) {
      return hit.text ? { ...hit, range: emptyRangeAt(line, column), fromCache: true } : null;
    }
    if (this.refused.has(path) || token.isCancellationRequested) return null;

    const controller = new AbortController();
    this.inFlight.set(editorId, controller);
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      // 2. The adaptive debounce (the next keystroke usually aborts us here, before any request).
      await this.sleep(this.currentDelay(editorId), controller.signal);
      if (controller.signal.aborted || currentVersion() !== query.version) return null;

      // 3. One request in flight per editor.
      this.setWorking(+1);
      this.requestsSent++;
      const started = this.now();
      let response;
      try {
        response = await this.deps.transport().complete(requestBody(query), controller.signal);
      } finally {
        this.setWorking(-1);
      }
      this.lastLatency = response.latency_ms ?? this.now() - started;
      this.deps.onEvent?.({ kind: "answered", latencyMs: this.lastLatency, model: response.model });

      const item = response.items[0];
      const atCursor =
        !item ||
        (item.range.start_line === line &&
          item.range.start_column === column &&
          item.range.end_line === line &&
          item.range.end_column === column);
      // Remember it for this prefix (also "nothing here") so typing through it needs no request.
      if (atCursor)
        this.cache.put(path, prefix, suffix, { id: response.id, text: item?.text ?? "", model: response.model });

      // 4. Never an answer for another text: superseded, cancelled, or the buffer moved on.
      if (controller.signal.aborted || currentVersion() !== query.version) return null;
      if (!item || !item.text) return null;
      return { id: response.id, text: item.text, range: item.range, model: response.model, fromCache: false };
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted) return null;
      if (err instanceof ApiError && err.status === 403) {
        this.refused.add(path);
        return null;
      }
      this.deps.onEvent?.({
        kind: "error",
        reason: errorMessage(err),
        status: err instanceof ApiError ? err.status : null,
      });
      return null;
    } finally {
      subscription.dispose();
      if (this.inFlight.get(editorId) === controller) this.inFlight.delete(editorId);
    }
  }

  private setWorking(delta: number): void {
    const before = this.working;
    this.working += delta;
    if (before === 0 && this.working > 0) this.deps.onEvent?.({ kind: "working" });
    if (before > 0 && this.working === 0) this.deps.onEvent?.({ kind: "idle" });
  }
}
