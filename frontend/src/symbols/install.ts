// The symbols feature's contributions: Monaco providers backed by the tag index, the symbol
// picker and its command, the breadcrumbs above a file, and the index progress (status bar).
import { notifyError } from "../stores/notifications";
import type { WorkbenchRegistry } from "../workbench/registry";
import { Breadcrumbs } from "./Breadcrumbs";
import { IndexStatusItem } from "./IndexStatusItem";
import { registerSymbolProviders } from "./providers";
import { SymbolPicker } from "./SymbolPicker";
import { useSymbols } from "./symbolStore";
import { symbolsApi } from "./symbolsApi";
import "./symbols.css";

/** Progress may have moved while disconnected (or before the page loaded): ask the server. */
function refreshProgress(): void {
  symbolsApi.indexStatus().then(
    (s) => useSymbols.getState().setProgress({ indexed: s.indexed, total: s.total, state: s.state }),
    () => undefined,
  );
}

export function installSymbols(wb: WorkbenchRegistry): void {
  wb.monacoProvider({ id: "symbols.providers", register: registerSymbolProviders });
  wb.host({ id: "symbols.picker", component: SymbolPicker });
  wb.editorHeader({ id: "symbols.breadcrumbs", order: 10, component: Breadcrumbs });
  wb.statusBarItem({ id: "symbols.index", alignment: "left", order: 30, component: IndexStatusItem });
  wb.command({
    id: "workbench.action.showAllSymbols",
    category: "Go",
    title: "Go to Symbol in Workspace…",
    keybinding: "Mod+T",
    run: () => useSymbols.getState().openPicker(),
  });
  wb.command({
    id: "pairpad.index.rebuild",
    category: "Index",
    title: "Rebuild Codebase Index",
    run: async () => {
      try {
        await symbolsApi.rebuild();
      } catch (err) {
        notifyError("Could not rebuild the index", err);
      }
    },
  });
  wb.socketHandler("symbols.progress", "index:progress", (progress) => useSymbols.getState().setProgress(progress));
  wb.socketHandler("symbols.reconnect", "connect", refreshProgress);
  wb.activation({ id: "symbols.progress", run: refreshProgress });
}
