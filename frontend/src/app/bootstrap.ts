// Start-up wiring: the contributions' socket handlers, providers and activations, live file
// events, reconnect resync, global keys, then the hot-exit restore.
import { workspaceApi } from "../api/endpoints";
import { getSocket, useConnection } from "../api/socket";
import { restoreSession } from "../editor/session";
import { queryClient } from "../stores/queryClient";
import { useTabs } from "../stores/tabs";
import { workbench } from "../workbench/registry";
import { installGlobalKeys } from "./globalKeys";

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
  socket.on("fs:changed", refreshWorkspaceInfoSoon);
  // The features' handlers (the explorer's tree, the editor's buffers) run after it.
  workbench.start(socket);
  let lastGeneration = useConnection.getState().generation;
  useConnection.subscribe((s) => {
    if (s.generation > 1 && s.generation !== lastGeneration) {
      // Events may have been missed while offline.
      workbench.resyncAll();
      void queryClient.invalidateQueries({ queryKey: ["workspace"] });
    }
    lastGeneration = s.generation;
  });
}

export async function bootstrap(): Promise<void> {
  installGlobalKeys();
  wireSocket();
  const workspace = await queryClient.fetchQuery({
    queryKey: ["workspace"],
    queryFn: workspaceApi.info,
    staleTime: 60_000,
  });
  await restoreSession(workspace.root);
  // Make sure a restored active tab is treated as the active one.
  const state = useTabs.getState();
  const group = state.groups.find((g) => g.id === state.activeGroupId);
  if (group?.activeTabId) state.activate(group.id, group.activeTabId);
}
