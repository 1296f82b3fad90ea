// The editor feature's contributions: its tab kinds, file commands and editor actions, the
// status bar items about the focused file, and the live file events that keep buffers fresh.
import { currentSettings, updateSettings } from "../stores/settings";
import { useTabs } from "../stores/tabs";
import type { WorkbenchRegistry } from "../workbench/registry";
import { closeActiveTab, saveActive, saveAll } from "./actions";
import { handleFsChanges, recheckAll } from "./buffers";
import { getActiveCodeEditor } from "./editorRegistry";
import { EditorStatusItems } from "./EditorStatusItems";
import { editorTabKinds } from "./tabKinds";

function runEditorAction(actionId: string): void {
  const editor = getActiveCodeEditor();
  if (!editor) return;
  editor.focus();
  void editor.getAction(actionId)?.run();
}

/** Format Document, or a message at the cursor saying why it cannot (never silently nothing). */
function formatDocument(): void {
  const editor = getActiveCodeEditor();
  const action = editor?.getAction("editor.action.formatDocument");
  if (!editor || !action) return;
  if (action.isSupported()) {
    editor.focus();
    void action.run();
    return;
  }
  const language = editor.getModel()?.getLanguageId() ?? "this file";
  const position = editor.getPosition();
  const messages = editor.getContribution("editor.contrib.messageController") as {
    showMessage(message: string, position: { lineNumber: number; column: number }): void;
  } | null;
  const text = `No formatter for ${language}: no language server that formats it is configured ([lsp] settings).`;
  editor.focus();
  if (messages && position) messages.showMessage(text, position);
}

export function installEditor(wb: WorkbenchRegistry): void {
  for (const kind of editorTabKinds) wb.tabKind(kind);

  wb.command({
    id: "workbench.action.files.save",
    category: "File",
    title: "Save",
    keybinding: "Mod+S",
    run: saveActive,
  });
  wb.command({
    id: "workbench.action.files.saveAll",
    category: "File",
    title: "Save All",
    keybinding: "Mod+Alt+S",
    run: saveAll,
  });
  wb.command({
    id: "workbench.action.closeActiveEditor",
    category: "View",
    title: "Close Editor",
    keybinding: "Alt+W",
    run: closeActiveTab,
  });
  wb.command({
    id: "workbench.action.splitEditor",
    category: "View",
    title: "Split Editor Right",
    keybinding: "Mod+\\",
    run: () => useTabs.getState().split(),
  });
  wb.command({
    id: "workbench.action.gotoLine",
    category: "Go",
    title: "Go to Line/Column…",
    keybinding: "Mod+G",
    run: () => runEditorAction("editor.action.gotoLine"),
  });
  wb.command({
    id: "actions.find",
    category: "Edit",
    title: "Find",
    keybinding: "Mod+F",
    when: () => !!getActiveCodeEditor(),
    run: () => runEditorAction("actions.find"),
  });
  wb.command({
    id: "editor.action.startFindReplaceAction",
    category: "Edit",
    title: "Replace",
    keybinding: "Mod+H",
    when: () => !!getActiveCodeEditor(),
    run: () => runEditorAction("editor.action.startFindReplaceAction"),
  });
  wb.command({
    id: "editor.action.formatDocument",
    category: "Edit",
    title: "Format Document",
    keybinding: "Shift+Alt+F",
    run: formatDocument,
  });
  wb.command({
    id: "editor.action.toggleWordWrap",
    category: "View",
    title: "Toggle Word Wrap",
    keybinding: "Alt+Z",
    run: () => updateSettings({ "editor.wordWrap": !currentSettings()["editor.wordWrap"] }),
  });
  wb.command({
    id: "editor.action.toggleMinimap",
    category: "View",
    title: "Toggle Minimap",
    run: () => updateSettings({ "editor.minimap": !currentSettings()["editor.minimap"] }),
  });

  wb.statusBarItem({ id: "editor.status", alignment: "right", order: 20, component: EditorStatusItems });

  wb.socketHandler("editor.fsChanged", "fs:changed", (payload) => handleFsChanges(payload?.changes ?? []));
  // Events may have been missed while offline: compare every buffer with the disk again.
  wb.resync({ id: "editor.recheck", run: recheckAll });
}
