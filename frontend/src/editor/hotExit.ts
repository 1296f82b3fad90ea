// Hot exit: unsaved buffers and the tab layout live in IndexedDB so a reload or a browser
// crash loses nothing. The store is injected so tests can use an in-memory fake.
import type { TabsSnapshot } from "../stores/tabs";

export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  keys(): Promise<string[]>;
}

export interface Backup {
  path: string;
  content: string;
  /** The etag the edits started from: if the disk moved on, restoring shows the conflict bar. */
  baseEtag: string | null;
  savedAt: number;
}

export interface HotExitOptions {
  scope: string;
  debounceMs?: number;
  now?: () => number;
}

export function createHotExit(store: KeyValueStore, options: HotExitOptions) {
  const debounceMs = options.debounceMs ?? 150;
  const now = options.now ?? Date.now;
  const prefix = `pairpad:${options.scope}:backup:`;
  const layoutKey = `pairpad:${options.scope}:layout`;
  const pending = new Map<string, { timer: ReturnType<typeof setTimeout>; read: () => Backup }>();

  async function write(path: string): Promise<void> {
    const entry = pending.get(path);
    if (!entry) return;
    clearTimeout(entry.timer);
    pending.delete(path);
    await store.set(prefix + path, entry.read());
  }

  return {
    /** Schedules a backup; `content` is read lazily so rapid typing writes once. */
    schedule(path: string, content: () => string, baseEtag: () => string | null): void {
      const existing = pending.get(path);
      if (existing) clearTimeout(existing.timer);
      const read = (): Backup => ({ path, content: content(), baseEtag: baseEtag(), savedAt: now() });
      const timer = setTimeout(() => void write(path), debounceMs);
      pending.set(path, { timer, read });
    },

    async discard(path: string): Promise<void> {
      const existing = pending.get(path);
      if (existing) clearTimeout(existing.timer);
      pending.delete(path);
      await store.del(prefix + path);
    },

    async flush(): Promise<void> {
      await Promise.all([...pending.keys()].map((p) => write(p)));
    },

    load(path: string): Promise<Backup | undefined> {
      return store.get<Backup>(prefix + path);
    },

    async all(): Promise<Backup[]> {
      const keys = (await store.keys()).filter((k) => typeof k === "string" && k.startsWith(prefix));
      const values = await Promise.all(keys.map((k) => store.get<Backup>(k)));
      return values.filter((v): v is Backup => !!v);
    },

    async rename(from: string, to: string): Promise<void> {
      await this.flush();
      const backup = await store.get<Backup>(prefix + from);
      if (!backup) return;
      await store.set(prefix + to, { ...backup, path: to });
      await store.del(prefix + from);
    },

    saveLayout(snapshot: TabsSnapshot): Promise<void> {
      return store.set(layoutKey, snapshot);
    },

    loadLayout(): Promise<TabsSnapshot | undefined> {
      return store.get<TabsSnapshot>(layoutKey);
    },

    hasPending(): boolean {
      return pending.size > 0;
    },
  };
}

export type HotExit = ReturnType<typeof createHotExit>;
