// The palette feature's contributions: quick open and the command palette (one widget).
import { useLayout } from "../stores/layout";
import type { WorkbenchRegistry } from "../workbench/registry";
import { QuickInput } from "./QuickInput";

export function installPalette(wb: WorkbenchRegistry): void {
  const layout = () => useLayout.getState();
  wb.host({ id: "palette.quickInput", component: QuickInput });
  wb.command({
    id: "workbench.action.quickOpen",
    category: "Go",
    title: "Go to File…",
    keybinding: "Mod+P",
    run: () => layout().openQuickInput("files"),
  });
  wb.command({
    id: "workbench.action.showCommands",
    category: "View",
    title: "Show All Commands",
    keybinding: "Mod+Shift+P",
    run: () => layout().openQuickInput("commands"),
  });
}
