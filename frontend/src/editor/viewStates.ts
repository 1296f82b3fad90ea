// Each editor's cursor, selection and scroll position per file, kept across reloads: a map in
// memory, written to localStorage shortly after it changes (a crash loses at most the last
// moment) and bounded to the most recent entries.
import type { monaco } from "./monacoSetup";

type ViewState = monaco.editor.ICodeEditorViewState;

export interface ViewStateStore {
  get(key: string): ViewState | undefined;
  set(key: string, state: ViewState | null): void;
  /** Writes pending changes now. */
  flush(): void;
}

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const STORAGE_KEY = "pairpad.editor.viewStates";

export function createViewStates(
  storage: StorageLike | undefined,
  options: { max?: number; debounceMs?: number } = {},
): ViewStateStore {
  const max = options.max ?? 200;
  const debounceMs = options.debounceMs ?? 250;
  const states = new Map<string, ViewState>(load(storage));
  let timer: ReturnType<typeof setTimeout> | null = null;

  const write = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    try {
      storage?.setItem(STORAGE_KEY, JSON.stringify([...states]));
    } catch {
      // Storage full or unavailable: positions then reset on reload.
    }
  };

  return {
    get: (key) => states.get(key),
    set(key, state) {
      states.delete(key); // re-inserted last: the map's order is least recent first
      if (state) states.set(key, state);
      while (states.size > max) states.delete(states.keys().next().value!);
      if (timer === null) timer = setTimeout(write, debounceMs);
    },
    flush: () => {
      if (timer !== null) write();
    },
  };
}

function load(storage: StorageLike | undefined): [string, ViewState][] {
  try {
    const saved: unknown = JSON.parse(storage?.getItem(STORAGE_KEY) ?? "[]");
    return Array.isArray(saved)
      ? saved.filter((e): e is [string, ViewState] => Array.isArray(e) && typeof e[0] === "string" && !!e[1])
      : [];
  } catch {
    return [];
  }
}

/** The app's store (a reload restores each editor's position from it). */
export const viewStates = createViewStates(globalThis.localStorage);
globalThis.addEventListener?.("pagehide", () => viewStates.flush());
