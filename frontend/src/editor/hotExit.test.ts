import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createHotExit, type KeyValueStore } from "./hotExit";

function memoryStore(): KeyValueStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: async <T>(k: string) => data.get(k) as T | undefined,
    set: async (k, v) => void data.set(k, structuredClone(v)),
    del: async (k) => void data.delete(k),
    keys: async () => [...data.keys()],
  };
}

describe("hot exit", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("debounces backups and reads the latest content", async () => {
    const store = memoryStore();
    const hot = createHotExit(store, { scope: "/ws", debounceMs: 100, now: () => 42 });
    let text = "a";
    hot.schedule(
      "f.py",
      () => text,
      () => "e1",
    );
    text = "ab";
    hot.schedule(
      "f.py",
      () => text,
      () => "e1",
    );
    expect(store.data.size).toBe(0);
    await vi.advanceTimersByTimeAsync(100);
    expect(await hot.load("f.py")).toEqual({ path: "f.py", content: "ab", baseEtag: "e1", savedAt: 42 });
  });

  it("flushes pending backups at once and discards cancel them", async () => {
    const store = memoryStore();
    const hot = createHotExit(store, { scope: "/ws", debounceMs: 1000 });
    hot.schedule(
      "a",
      () => "1",
      () => null,
    );
    hot.schedule(
      "b",
      () => "2",
      () => null,
    );
    await hot.discard("b");
    await hot.flush();
    expect((await hot.all()).map((b) => b.path)).toEqual(["a"]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(await hot.load("b")).toBeUndefined();
  });

  it("keeps workspaces apart and follows renames", async () => {
    const store = memoryStore();
    const one = createHotExit(store, { scope: "/one", debounceMs: 0 });
    const two = createHotExit(store, { scope: "/two", debounceMs: 0 });
    one.schedule(
      "x",
      () => "one",
      () => null,
    );
    await one.flush();
    expect(await two.all()).toEqual([]);
    await one.rename("x", "y");
    expect(await one.load("x")).toBeUndefined();
    expect((await one.load("y"))?.content).toBe("one");
  });

  it("stores the tab layout", async () => {
    const hot = createHotExit(memoryStore(), { scope: "/ws" });
    const layout = { activeGroupId: "g1", groups: [{ id: "g1", tabs: [], activeTabId: null }] };
    await hot.saveLayout(layout);
    expect(await hot.loadLayout()).toEqual(layout);
  });
});
