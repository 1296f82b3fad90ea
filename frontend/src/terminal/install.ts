// The integrated terminal's contributions: the Terminal panel view, its commands and keys,
// its socket handlers, the reattach after a reload or reconnect, and the key scope that keeps
// most keys for the shell while a terminal has focus.
import { registerKeyScope } from "../workbench/keyScopes";
import type { WorkbenchRegistry } from "../workbench/registry";
import {
  clearTerminal,
  createTerminal,
  findInTerminal,
  killActiveTerminal,
  onTerminalExit,
  onTerminalOutput,
  reattachAll,
  resyncTerminals,
  restyleTerminals,
  TERMINAL_VIEW,
  toggleTerminal,
} from "./sessions";
import { TerminalActions, TerminalView } from "./TerminalView";
import "@xterm/xterm/css/xterm.css";
import "./terminal.css";

/**
 * Workbench commands whose keys still work inside a focused terminal, like VS Code's
 * `terminal.integrated.commandsToSkipShell` defaults: the palette, panel and view toggles and
 * the terminal's own commands. Everything else (Ctrl+S, Ctrl+G, Ctrl+H, Ctrl+T, Ctrl+\,
 * Alt+W, …) reaches the shell; Ctrl+F opens the terminal's find box.
 */
export const WORKBENCH_KEYS_IN_TERMINAL = new Set([
  "workbench.action.quickOpen",
  "workbench.action.showCommands",
  "workbench.action.togglePanel",
  "workbench.action.toggleSidebarVisibility",
  "workbench.view.explorer",
  "workbench.view.search",
  "workbench.view.chat",
  "workbench.action.openSettings",
]);

export function terminalMayRunCommand(commandId: string): boolean {
  return commandId.startsWith("workbench.action.terminal.") || WORKBENCH_KEYS_IN_TERMINAL.has(commandId);
}

export function installTerminal(wb: WorkbenchRegistry): void {
  wb.panelView({
    id: TERMINAL_VIEW,
    title: "Terminal",
    order: 30,
    component: TerminalView,
    actions: TerminalActions,
    keepAlive: true,
  });
  wb.socketHandler("terminal.output", "term:output", onTerminalOutput);
  wb.socketHandler("terminal.exit", "term:exit", onTerminalExit);
  wb.activation({
    id: "terminal.reattach",
    run: () => {
      registerKeyScope({ contains: (el) => el.closest(".terminal-host") !== null, allows: terminalMayRunCommand });
      // The theme switch sets <html data-theme>; the terminal's colours follow it.
      new MutationObserver(restyleTerminals).observe(document.documentElement, {
        attributes: true,
        attributeFilter: ["data-theme"],
      });
      void reattachAll();
    },
  });
  wb.resync({ id: "terminal.reattach", run: resyncTerminals });
  wb.command({
    id: "workbench.action.terminal.new",
    category: "Terminal",
    title: "Create New Terminal",
    keybinding: "Ctrl+Shift+`",
    run: createTerminal,
  });
  wb.command({
    id: "workbench.action.terminal.toggleTerminal",
    category: "View",
    title: "Toggle Terminal",
    keybinding: "Ctrl+`",
    run: toggleTerminal,
  });
  wb.command({
    id: "workbench.action.terminal.kill",
    category: "Terminal",
    title: "Kill the Active Terminal",
    run: killActiveTerminal,
  });
  wb.command({ id: "workbench.action.terminal.find", category: "Terminal", title: "Find", run: findInTerminal });
  wb.command({ id: "workbench.action.terminal.clear", category: "Terminal", title: "Clear", run: clearTerminal });
}
