// Hot exit: tabs and unsaved buffers survive a reload or a crash (IndexedDB, per workspace).
import { createStore, del, get, keys, set } from "idb-keyval";
import { openFilePaths, snapshotOf, useTabs } from "../stores/tabs";
import { setHotExit } from "./buffers";
import { createHotExit, type KeyValueStore } from "./hotExit";
import { FILE_TAB } from "./tabKinds";

function idbStore(): KeyValueStore {
  const store = createStore("pairpad", "hot-exit");
  return {
    get: <T>(key: string) => get<T>(key, store),
    set: (key, value) => set(key, value, store),
    del: (key) => del(key, store),
    keys: async () => (await keys(store)).map(String),
  };
}

/** Restores tabs and unsaved buffers from the last session of this workspace. */
export async function restoreSession(scope: string): Promise<void> {
  const hotExit = createHotExit(idbStore(), { scope });
  setHotExit(hotExit);
  try {
    const layout = await hotExit.loadLayout();
    if (layout && useTabs.getState().groups.every((g) => g.tabs.length === 0)) useTabs.getState().restore(layout);
    // A backup without a tab (e.g. the layout write was lost in a crash) still gets one.
    const open = openFilePaths(useTabs.getState());
    for (const backup of await hotExit.all()) {
      if (!open.has(backup.path)) useTabs.getState().open({ kind: FILE_TAB, path: backup.path });
    }
  } catch (err) {
    console.info("Hot exit restore unavailable", err);
  }
  // Written at once (tabs change rarely): a reload right after a click must not lose it.
  useTabs.subscribe((state) => void hotExit.saveLayout(snapshotOf(state)).catch(() => undefined));
  const flush = () => {
    void hotExit.flush();
    void hotExit.saveLayout(snapshotOf(useTabs.getState())).catch(() => undefined);
  };
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && flush());
}
