// The composition root of the UI: the workbench's own contributions, then every feature's.
// A new feature adds its install function here; nothing else in app/ names a feature.
import { installAgent } from "../agent/install";
import { installChat } from "../chat/install";
import { installCompletion } from "../completion/install";
import { installEditor } from "../editor/install";
import { installExplorer } from "../explorer/install";
import { installInlineEdit } from "../inlineEdit/install";
import { installLsp } from "../lsp/install";
import { installPalette } from "../palette/install";
import { installProblems } from "../problems/install";
import { installReview } from "../review/install";
import { installScm } from "../scm/install";
import { installSearch } from "../search/install";
import { installSettings } from "../settings/install";
import { useLayout } from "../stores/layout";
import { installSymbols } from "../symbols/install";
import { installTasks } from "../tasks/install";
import { installTerminal } from "../terminal/install";
import { workbench, type WorkbenchRegistry } from "../workbench/registry";
import { ConnectionItem } from "./coreStatusItems";

/** Each feature's install, in the order their socket handlers run for one event. */
export const FEATURES: ((wb: WorkbenchRegistry) => void)[] = [
  installExplorer,
  installEditor,
  installSearch,
  installChat,
  installInlineEdit,
  installPalette,
  installSymbols,
  installCompletion,
  installLsp,
  installSettings,
  installTerminal,
  installProblems,
  installTasks,
  installReview,
  installAgent,
  installScm,
];

function installCore(wb: WorkbenchRegistry): void {
  const layout = () => useLayout.getState();
  // The branch (order 10) is source control's (scm/install.ts): a click switches branches.
  wb.statusBarItem({ id: "workbench.connection", alignment: "left", order: 20, component: ConnectionItem });
  wb.command({
    id: "workbench.action.toggleSidebarVisibility",
    category: "View",
    title: "Toggle Primary Side Bar",
    keybinding: "Mod+B",
    run: () => layout().toggleSide(),
  });
  wb.command({
    id: "workbench.action.togglePanel",
    category: "View",
    title: "Toggle Panel",
    keybinding: "Mod+J",
    run: () => layout().togglePanel(),
  });
}

let installed = false;

/** Fills the app's registry, once, before the first render. */
export function installWorkbench(wb: WorkbenchRegistry = workbench): void {
  if (installed && wb === workbench) return;
  if (wb === workbench) installed = true;
  installCore(wb);
  for (const install of FEATURES) install(wb);
}
