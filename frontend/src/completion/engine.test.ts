import { describe, expect, it } from "vitest";
import { ApiError } from "../api/http";
import { CompletionEngine, type CancelToken, type CompletionQuery, type EngineEvent } from "./engine";
import { abortError, type CompletionTransport } from "./transport";
import type { CompleteRequest, CompleteResponse } from "./types";

interface Pending {
  body: CompleteRequest;
  signal: AbortSignal;
  resolve: (r: CompleteResponse) => void;
  reject: (e: unknown) => void;
}

function fakeTransport() {
  const calls: Pending[] = [];
  const transport: CompletionTransport = {
    name: "http",
    complete: (body, signal) =>
      new Promise((resolve, reject) => {
        calls.push({ body, signal, resolve, reject });
        signal.addEventListener("abort", () => reject(abortError()));
      }),
  };
  return { transport, calls };
}

function token(): CancelToken & { cancel(): void } {
  const listeners: (() => void)[] = [];
  let cancelled = false;
  return {
    get isCancellationRequested() {
      return cancelled;
    },
    onCancellationRequested(listener) {
      listeners.push(listener);
      return { dispose: () => listeners.splice(listeners.indexOf(listener), 1) };
    },
    cancel() {
      cancelled = true;
      listeners.slice().forEach((l) => l());
    },
  };
}

function response(text: string, line: number, column: number, id = "r1"): CompleteResponse {
  return {
    id,
    items: text
      ? [{ text, range: { start_line: line, start_column: column, end_line: line, end_column: column } }]
      : [],
    model: "local:smollm2",
    cached: false,
    latency_ms: 120,
  };
}

const query = (prefix: string, version: number, extra: Partial<CompletionQuery> = {}): CompletionQuery => ({
  editorId: "e1",
  path: "a.py",
  language: "python",
  prefix,
  suffix: "",
  line: 1,
  column: prefix.length + 1,
  version,
  ...extra,
});

/** Debounce sleeps that the test releases by hand, recording the delays asked for. */
function manualSleep() {
  const waits: { ms: number; release: () => void }[] = [];
  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      waits.push({ ms, release: resolve });
      signal.addEventListener("abort", () => resolve());
    });
  return { sleep, waits };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup() {
  const { transport, calls } = fakeTransport();
  const { sleep, waits } = manualSleep();
  const events: EngineEvent[] = [];
  let clock = 0;
  const engine = new CompletionEngine({
    transport: () => transport,
    sleep,
    now: () => (clock += 50),
    onEvent: (e) => events.push(e),
  });
  return { engine, calls, waits, events };
}

describe("CompletionEngine", () => {
  it("asks after the debounce and answers with the item; sends the editor id, version and edits", async () => {
    const { engine, calls, waits } = setup();
    const edits = [{ path: "b.py", start_line: 3, text: "x = 1" }];
    const answer = engine.complete(query("return ", 7, { recentEdits: () => edits }), token(), () => 7);
    await flush();
    expect(calls).toHaveLength(0); // still debouncing
    waits[0].release();
    await flush();
    expect(calls).toHaveLength(1);
    expect(calls[0].body.context).toEqual({ editor_id: "e1", version: 7, recent_edits: edits });
    expect(calls[0].body.cursor).toEqual({ line: 1, column: 8 });
    calls[0].resolve(response("a + b", 1, 8));
    expect(await answer).toMatchObject({ id: "r1", text: "a + b", fromCache: false });
  });

  it("consults the cache before any debounce: typing through a suggestion sends no request", async () => {
    const { engine, calls, waits } = setup();
    const first = engine.complete(query("x = ", 1), token(), () => 1);
    await flush();
    waits[0].release();
    await flush();
    calls[0].resolve(response("foo(bar)", 1, 5));
    await first;
    const waitsBefore = waits.length;
    const hit = await engine.complete(query("x = foo", 4), token(), () => 4);
    expect(hit).toMatchObject({ id: "r1", text: "(bar)", fromCache: true, range: { start_column: 8 } });
    expect(waits.length).toBe(waitsBefore); // no debounce at all
    expect(engine.requestsSent).toBe(1);
  });

  it("a typed character that diverges from the cached suggestion goes to the server", async () => {
    const { engine, calls, waits } = setup();
    const first = engine.complete(query("x = ", 1), token(), () => 1);
    await flush();
    waits[0].release();
    await flush();
    calls[0].resolve(response("foo", 1, 5));
    await first;
    const second = engine.complete(query("x = g", 2), token(), () => 2);
    await flush();
    waits[1].release();
    await flush();
    expect(calls).toHaveLength(2);
    calls[1].resolve(response("", 1, 6, "r2"));
    expect(await second).toBeNull();
  });

  it("never answers for a model version other than the one asked about", async () => {
    const { engine, calls, waits } = setup();
    let version = 3;
    const answer = engine.complete(query("def add(a, b):\n    return ", 3), token(), () => version);
    await flush();
    waits[0].release();
    await flush();
    version = 4; // the user typed while the model was answering
    calls[0].resolve(response("a + b", 1, 28));
    expect(await answer).toBeNull();
  });

  it("does not even ask when the version moved during the debounce", async () => {
    const { engine, calls, waits } = setup();
    let version = 3;
    const answer = engine.complete(query("x", 3), token(), () => version);
    await flush();
    version = 5;
    waits[0].release();
    expect(await answer).toBeNull();
    expect(calls).toHaveLength(0);
  });

  it("at most one request in flight per editor: a new one aborts the old, which answers null", async () => {
    const { engine, calls, waits } = setup();
    const first = engine.complete(query("a", 1), token(), () => 1);
    await flush();
    waits[0].release();
    await flush();
    expect(calls).toHaveLength(1);
    const second = engine.complete(query("ab", 2), token(), () => 2);
    expect(calls[0].signal.aborted).toBe(true);
    expect(await first).toBeNull();
    await flush();
    waits[1].release();
    await flush();
    expect(calls).toHaveLength(2);
    expect(calls[1].signal.aborted).toBe(false);
    calls[1].resolve(response("c", 1, 3, "r2"));
    expect(await second).toMatchObject({ text: "c" });
  });

  it("another editor's request is not aborted", async () => {
    const { engine, calls, waits } = setup();
    void engine.complete(query("a", 1), token(), () => 1);
    await flush();
    waits[0].release();
    await flush();
    void engine.complete(query("a", 1, { editorId: "e2", path: "b.py" }), token(), () => 1);
    expect(calls[0].signal.aborted).toBe(false);
  });

  it("Monaco's cancellation token aborts the request in flight", async () => {
    const { engine, calls, waits } = setup();
    const t = token();
    const answer = engine.complete(query("a", 1), t, () => 1);
    await flush();
    waits[0].release();
    await flush();
    t.cancel();
    expect(calls[0].signal.aborted).toBe(true);
    expect(await answer).toBeNull();
  });

  it("a keystroke during the debounce means no request at all", async () => {
    const { engine, calls, waits } = setup();
    const first = engine.complete(query("a", 1), token(), () => 1);
    await flush();
    void engine.complete(query("ab", 2), token(), () => 2);
    expect(await first).toBeNull();
    await flush();
    waits[0].release();
    await flush();
    expect(calls).toHaveLength(0);
  });

  it("reports working, then the error with the server's reason; a 403 file is not asked again", async () => {
    const { engine, calls, waits, events } = setup();
    const failing = engine.complete(query("a", 1), token(), () => 1);
    await flush();
    waits[0].release();
    await flush();
    calls[0].reject(new ApiError(504, "timed out (ai.autocomplete.timeout = 2 s)", null));
    expect(await failing).toBeNull();
    expect(events).toEqual([
      { kind: "working" },
      { kind: "idle" },
      { kind: "error", reason: "timed out (ai.autocomplete.timeout = 2 s)", status: 504 },
    ]);

    const secret = engine.complete(query("k", 1, { path: ".env" }), token(), () => 1);
    await flush();
    waits[1].release();
    await flush();
    calls[1].reject(new ApiError(403, "secret file", null));
    expect(await secret).toBeNull();
    expect(await engine.complete(query("k=", 2, { path: ".env" }), token(), () => 2)).toBeNull();
    expect(calls).toHaveLength(2);
  });
});
