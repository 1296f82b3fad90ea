import { describe, expect, it } from "vitest";
import { ApiError } from "../api/http";
import type { CompleteRequest, WarmResponse } from "./types";
import { FileWarmer, WARM_DEBOUNCE_MS, type WarmTarget } from "./warm";

function fakeTimers() {
  let now = 0;
  const timers: { at: number; run: () => void; id: number }[] = [];
  let nextId = 0;
  return {
    setTimer: (run: () => void, ms: number) => {
      const id = ++nextId;
      timers.push({ at: now + ms, run, id });
      return id;
    },
    clearTimer: (handle: unknown) => {
      const index = timers.findIndex((t) => t.id === handle);
      if (index >= 0) timers.splice(index, 1);
    },
    advance(ms: number) {
      now += ms;
      for (const timer of timers.filter((t) => t.at <= now)) {
        timers.splice(timers.indexOf(timer), 1);
        timer.run();
      }
    },
  };
}

const ready: WarmResponse = { model: "local:m", state: "ready", latency_ms: 3 };

function setup(enabled: (language: string) => boolean = () => true) {
  const timers = fakeTimers();
  const sent: { body: CompleteRequest; resolve: (r: WarmResponse) => void; reject: (e: unknown) => void }[] = [];
  const errors: unknown[] = [];
  const warmer = new FileWarmer({
    send: (body) => new Promise((resolve, reject) => sent.push({ body, resolve, reject })),
    enabled,
    setTimer: timers.setTimer,
    clearTimer: timers.clearTimer,
    onError: (err) => errors.push(err),
  });
  return { warmer, timers, sent, errors };
}

function target(path: string, version = 1, language = "python"): () => WarmTarget {
  return () => ({
    path,
    language,
    version,
    body: () => ({ path, language, prefix: `# ${path}\n`, suffix: "", cursor: { line: 2, column: 1 } }),
  });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("FileWarmer", () => {
  it("warms the last file focused once the debounce has passed", () => {
    const { warmer, timers, sent } = setup();
    warmer.schedule(target("a.py"));
    timers.advance(WARM_DEBOUNCE_MS - 1);
    warmer.schedule(target("b.py")); // switched on before the debounce passed
    timers.advance(WARM_DEBOUNCE_MS - 1);
    expect(sent).toHaveLength(0);
    timers.advance(1);
    expect(sent.map((s) => s.body.path)).toEqual(["b.py"]);
    expect(sent[0].body.prefix).toBe("# b.py\n");
  });

  it("is skipped when completion is off for the language (or globally)", () => {
    let on = true;
    const { warmer, timers, sent } = setup((language) => on && language !== "markdown");
    warmer.schedule(target("README.md", 1, "markdown"));
    timers.advance(WARM_DEBOUNCE_MS);
    on = false;
    warmer.schedule(target("a.py"));
    timers.advance(WARM_DEBOUNCE_MS);
    expect(sent).toHaveLength(0);
    on = true;
    warmer.schedule(target("a.py"));
    timers.advance(WARM_DEBOUNCE_MS);
    expect(sent).toHaveLength(1);
  });

  it("does not warm the same path and version twice, but does after a change", async () => {
    const { warmer, timers, sent } = setup();
    warmer.schedule(target("a.py", 1));
    timers.advance(WARM_DEBOUNCE_MS);
    sent[0].resolve(ready);
    await settle();
    warmer.schedule(target("a.py", 1)); // focus left and came back: nothing changed
    timers.advance(WARM_DEBOUNCE_MS);
    expect(sent).toHaveLength(1);
    warmer.schedule(target("a.py", 2)); // edited elsewhere meanwhile
    timers.advance(WARM_DEBOUNCE_MS);
    expect(sent).toHaveLength(2);
    sent[1].resolve(ready);
    await settle();
    warmer.schedule(target("b.py", 2));
    timers.advance(WARM_DEBOUNCE_MS);
    expect(sent.map((s) => s.body.path)).toEqual(["a.py", "a.py", "b.py"]);
    expect(warmer.sent).toBe(3);
  });

  it("keeps at most one in flight: the latest target waits for it", async () => {
    const { warmer, timers, sent } = setup();
    warmer.schedule(target("a.py"));
    timers.advance(WARM_DEBOUNCE_MS);
    warmer.schedule(target("b.py"));
    timers.advance(WARM_DEBOUNCE_MS);
    warmer.schedule(target("c.py"));
    timers.advance(WARM_DEBOUNCE_MS);
    expect(sent.map((s) => s.body.path)).toEqual(["a.py"]);
    sent[0].resolve(ready);
    await settle();
    expect(sent.map((s) => s.body.path)).toEqual(["a.py", "c.py"]);
  });

  it("a 503 (the model is starting) is no error, and the file is warmed again on the next focus", async () => {
    const { warmer, timers, sent, errors } = setup();
    warmer.schedule(target("a.py"));
    timers.advance(WARM_DEBOUNCE_MS);
    sent[0].reject(new ApiError(503, "The embedded model is starting", { state: "starting" }));
    await settle();
    expect(errors).toEqual([]);
    warmer.schedule(target("a.py"));
    timers.advance(WARM_DEBOUNCE_MS);
    expect(sent).toHaveLength(2);
    sent[1].reject(new ApiError(502, "refused", null));
    await settle();
    expect(errors).toHaveLength(1);
  });

  it("cancel drops the scheduled warm-up", () => {
    const { warmer, timers, sent } = setup();
    warmer.schedule(target("a.py"));
    warmer.cancel();
    timers.advance(WARM_DEBOUNCE_MS);
    expect(sent).toHaveLength(0);
  });
});
