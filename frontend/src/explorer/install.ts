// The explorer feature's contributions: its side view, file commands, and the live file events
// and reconnects that refresh the tree.
import { useLayout } from "../stores/layout";
import { activeTab, useTabs } from "../stores/tabs";
import { FilesIcon } from "../ui/icons";
import { dirname } from "../util/paths";
import type { WorkbenchRegistry } from "../workbench/registry";
import { Explorer } from "./Explorer";
import { startCreate, useExplorer } from "./explorerStore";
import { refreshAll, refreshDir } from "./fileOps";

const VIEW = "explorer";

export function installExplorer(wb: WorkbenchRegistry): void {
  const show = () => useLayout.getState().showSideView(VIEW);
  wb.sideView({
    id: VIEW,
    title: "Explorer",
    order: 10,
    keybinding: "Mod+Shift+E",
    icon: FilesIcon,
    component: Explorer,
  });
  wb.command({
    id: "workbench.view.explorer",
    category: "View",
    title: "Show Explorer",
    keybinding: "Mod+Shift+E",
    run: show,
  });
  wb.command({
    id: "explorer.newFile",
    category: "File",
    title: "New File…",
    run: () => (show(), startCreate("newFile")),
  });
  wb.command({
    id: "explorer.newFolder",
    category: "File",
    title: "New Folder…",
    run: () => (show(), startCreate("newFolder")),
  });
  wb.command({
    id: "workbench.files.action.refreshFilesExplorer",
    category: "File",
    title: "Refresh Explorer",
    run: () => void refreshAll(),
  });
  wb.socketHandler("explorer.fsChanged", "fs:changed", (payload) => {
    const dirs = new Set<string>();
    for (const c of payload?.changes ?? []) if (c.type !== "modified") dirs.add(dirname(c.path));
    for (const d of dirs) void refreshDir(d);
  });
  wb.resync({ id: "explorer.refresh", run: () => void refreshAll() });
  // The explorer follows the active tab: its file's folders open and its row is selected.
  wb.activation({
    id: "explorer.followActiveTab",
    run: () => {
      let last: string | null = null;
      const follow = () => {
        const { tab } = activeTab(useTabs.getState());
        const path = tab && wb.tabKindOf(tab.kind)?.fileBacked ? tab.path : null;
        if (path === last) return;
        last = path;
        if (path) useExplorer.getState().reveal(path);
      };
      useTabs.subscribe(follow);
      follow();
    },
  });
}
