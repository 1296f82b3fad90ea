// The palette feature's contributions: quick open and the command palette (one widget, with the
// editor's Monaco actions merged in), and the keyboard shortcuts list.
import { useLayout } from "../stores/layout";
import type { WorkbenchRegistry } from "../workbench/registry";
import { KeyboardShortcutsHost } from "./KeyboardShortcuts";
import { QuickInput } from "./QuickInput";
import { openKeyboardShortcuts } from "./shortcutsStore";
import "./palette.css";

export function installPalette(wb: WorkbenchRegistry): void {
  const layout = () => useLayout.getState();
  wb.host({ id: "palette.quickInput", component: QuickInput });
  wb.host({ id: "palette.keyboardShortcuts", component: KeyboardShortcutsHost });
  wb.command({
    id: "workbench.action.quickOpen",
    category: "Go",
    title: "Go to File…",
    keybinding: "Mod+P",
    run: () => layout().openQuickInput("files"),
  });
  // F1 too, as in VS Code: Monaco's own palette (its F1) never opens, so there is one palette.
  wb.command({
    id: "workbench.action.showCommands",
    category: "View",
    title: "Show All Commands",
    keybinding: "Mod+Shift+P",
    altKeybindings: ["F1"],
    run: () => layout().openQuickInput("commands"),
  });
  wb.command({
    id: "workbench.action.openGlobalKeybindings",
    category: "Help",
    title: "Keyboard Shortcuts",
    run: openKeyboardShortcuts,
  });
}
