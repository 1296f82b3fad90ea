// Wires the symbols feature into the workbench once: Monaco providers, commands, progress.
import { getSocket } from "../api/socket";
import { notifyError } from "../stores/notifications";
import { registerCommand } from "../workbench/commands";
import { registerSymbolProviders } from "./providers";
import { useSymbols } from "./symbolStore";
import { symbolsApi, type IndexProgress } from "./symbolsApi";

let installed = false;

export function installSymbols(): void {
  if (installed) return;
  installed = true;
  registerSymbolProviders();
  registerCommand({
    id: "workbench.action.showAllSymbols",
    category: "Go",
    title: "Go to Symbol in Workspace…",
    keybinding: "Mod+T",
    run: () => useSymbols.getState().openPicker(),
  });
  registerCommand({
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
  const socket = getSocket();
  socket.on("index:progress", (progress: IndexProgress) => useSymbols.getState().setProgress(progress));
  const refresh = () =>
    symbolsApi.indexStatus().then(
      (s) => useSymbols.getState().setProgress({ indexed: s.indexed, total: s.total, state: s.state }),
      () => undefined,
    );
  socket.on("connect", refresh); // progress may have moved while disconnected
  void refresh();
}
