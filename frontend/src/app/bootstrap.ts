// Start-up wiring: hot-exit restore, live file events, reconnect resync, commands and keys.
import { createStore, del, get, keys, set } from "idb-keyval";
import { workspaceApi } from "../api/endpoints";
import { getSocket, useConnection } from "../api/socket";
import type { FsChange } from "../api/types";
import { handleFsChanges, recheckAll, setHotExit } from "../editor/buffers";
import { createHotExit, type KeyValueStore } from "../editor/hotExit";
import { refreshAll, refreshDir } from "../explorer/fileOps";
import { openFilePaths, snapshotOf, useTabs } from "../stores/tabs";
import { dirname } from "../util/paths";
import { registerBuiltinCommands } from "./builtinCommands";
import { installGlobalKeys } from "./globalKeys";
import { queryClient } from "../stores/queryClient";

function idbStore(): KeyValueStore {
  const store = createStore("pairpad", "hot-exit");
  return {
    get: <T,>(key: string) => get<T>(key, store),
    set: (key, value) => set(key, value, store),
    del: (key) => del(key, store),
    keys: async () => (await keys(store)).map(String),
  };
}

/** Restores tabs and unsaved buffers from the last session of this workspace. */
async function restoreSession(scope: string): Promise<void> {
  const hotExit = createHotExit(idbStore(), { scope });
  setHotExit(hotExit);
  try {
    const layout = await hotExit.loadLayout();
    if (layout && useTabs.getState().groups.every((g) => g.tabs.length === 0)) useTabs.getState().restore(layout);
    // A backup without a tab (e.g. the layout write was lost in a crash) still gets one.
    const open = openFilePaths(useTabs.getState());
    for (const backup of await hotExit.all()) {
      if (!open.has(backup.path)) useTabs.getState().open({ kind: "file", path: backup.path });
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

/** Re-reads GET /api/workspace (cheap): the git branch changes behind our back. */
function refreshWorkspaceInfo(): void {
  if (useConnection.getState().status === "unauthorized") return;
  void queryClient.invalidateQueries({ queryKey: ["workspace"] });
}

let workspaceRefreshTimer: ReturnType<typeof setTimeout> | null = null;

/** At most one refresh per second however many fs:changed batches arrive (e.g. a checkout). */
function refreshWorkspaceInfoSoon(): void {
  if (workspaceRefreshTimer !== null) return;
  workspaceRefreshTimer = setTimeout(() => {
    workspaceRefreshTimer = null;
    refreshWorkspaceInfo();
  }, 1000);
}

function wireSocket(): void {
  const socket = getSocket();
  // The watcher ignores .git internals, so a `git checkout` alone sends no event: the branch
  // is also refreshed when the window regains focus (and polled by the status bar).
  window.addEventListener("focus", refreshWorkspaceInfo);
  socket.on("fs:changed", (payload: { changes?: FsChange[] }) => {
    const changes = payload?.changes ?? [];
    refreshWorkspaceInfoSoon();
    const dirs = new Set<string>();
    for (const c of changes) if (c.type !== "modified") dirs.add(dirname(c.path));
    for (const d of dirs) void refreshDir(d);
    handleFsChanges(changes);
  });
  let lastGeneration = useConnection.getState().generation;
  useConnection.subscribe((s) => {
    if (s.generation > 1 && s.generation !== lastGeneration) {
      // Events may have been missed while offline.
      recheckAll();
      void refreshAll();
      void queryClient.invalidateQueries({ queryKey: ["workspace"] });
    }
    lastGeneration = s.generation;
  });
}

export async function bootstrap(): Promise<void> {
  registerBuiltinCommands();
  installGlobalKeys();
  wireSocket();
  const workspace = await queryClient.fetchQuery({ queryKey: ["workspace"], queryFn: workspaceApi.info, staleTime: 60_000 });
  await restoreSession(workspace.root);
  // Make sure a restored active tab is treated as the active one.
  const state = useTabs.getState();
  const group = state.groups.find((g) => g.id === state.activeGroupId);
  if (group?.activeTabId) state.activate(group.id, group.activeTabId);
}
