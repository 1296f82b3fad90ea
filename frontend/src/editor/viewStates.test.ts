import { describe, expect, it, vi } from "vitest";
import type { monaco } from "./monacoSetup";
import { createViewStates, type StorageLike } from "./viewStates";

function memoryStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

const at = (line: number, scrollTop: number) =>
  ({
    cursorState: [{ inSelectionMode: false, position: { lineNumber: line, column: 3 } }],
    viewState: { scrollLeft: 0, firstPosition: { lineNumber: line, column: 1 }, firstPositionDeltaTop: 0, scrollTop },
    contributionsState: {},
  }) as unknown as monaco.editor.ICodeEditorViewState;

describe("view states", () => {
  it("survive a reload (a new store on the same storage)", () => {
    vi.useFakeTimers();
    const storage = memoryStorage();
    const first = createViewStates(storage, { debounceMs: 100 });
    first.set("g1:shop/orders.py", at(40, 600));
    expect(storage.data.size).toBe(0); // debounced
    vi.advanceTimersByTime(100);
    const reloaded = createViewStates(storage);
    expect(reloaded.get("g1:shop/orders.py")).toEqual(at(40, 600));
    vi.useRealTimers();
  });

  it("flush writes at once; a null state forgets the file", () => {
    const storage = memoryStorage();
    const store = createViewStates(storage);
    store.set("g1:a.py", at(2, 0));
    store.set("g1:b.py", at(3, 0));
    store.set("g1:a.py", null);
    store.flush();
    const reloaded = createViewStates(storage);
    expect(reloaded.get("g1:a.py")).toBeUndefined();
    expect(reloaded.get("g1:b.py")).toEqual(at(3, 0));
  });

  it("keeps only the most recently used entries", () => {
    const storage = memoryStorage();
    const store = createViewStates(storage, { max: 2 });
    store.set("a", at(1, 0));
    store.set("b", at(2, 0));
    store.set("a", at(5, 0)); // used again: now the newest
    store.set("c", at(3, 0));
    store.flush();
    const reloaded = createViewStates(storage);
    expect(reloaded.get("b")).toBeUndefined();
    expect(reloaded.get("a")).toEqual(at(5, 0));
    expect(reloaded.get("c")).toEqual(at(3, 0));
  });

  it("ignores unreadable storage", () => {
    const storage = memoryStorage();
    storage.data.set("pairpad.editor.viewStates", "{not json");
    expect(createViewStates(storage).get("x")).toBeUndefined();
  });
});
