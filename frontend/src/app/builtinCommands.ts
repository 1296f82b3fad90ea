// The workbench's own commands. Features add theirs with registerCommand as well.
import { closeActiveTab, saveActive, saveAll } from "../editor/actions";
import { getActiveCodeEditor } from "../editor/editorRegistry";
import { startCreate } from "../explorer/explorerStore";
import { refreshAll } from "../explorer/fileOps";
import { registerCommand } from "../workbench/commands";
import { currentSettings, updateSettings } from "../stores/settings";
import { openSettings } from "../settings/openSettings";
import { openModelSettings } from "../settings/section";
import { useLayout } from "../stores/layout";
import { useTabs } from "../stores/tabs";
import type { ThemeSetting } from "../api/types";

function runEditorAction(actionId: string): void {
  const editor = getActiveCodeEditor();
  if (!editor) return;
  editor.focus();
  void editor.getAction(actionId)?.run();
}

export function registerBuiltinCommands(): void {
  const layout = () => useLayout.getState();
  registerCommand({ id: "workbench.action.quickOpen", category: "Go", title: "Go to File…", keybinding: "Mod+P", run: () => layout().openQuickInput("files") });
  registerCommand({
    id: "workbench.action.showCommands",
    category: "View",
    title: "Show All Commands",
    keybinding: "Mod+Shift+P",
    run: () => layout().openQuickInput("commands"),
  });
  registerCommand({ id: "workbench.action.files.save", category: "File", title: "Save", keybinding: "Mod+S", run: saveActive });
  registerCommand({ id: "workbench.action.files.saveAll", category: "File", title: "Save All", keybinding: "Mod+Alt+S", run: saveAll });
  registerCommand({ id: "workbench.action.closeActiveEditor", category: "View", title: "Close Editor", keybinding: "Alt+W", run: closeActiveTab });
  registerCommand({ id: "workbench.action.splitEditor", category: "View", title: "Split Editor Right", keybinding: "Mod+\\", run: () => useTabs.getState().split() });
  registerCommand({ id: "workbench.action.gotoLine", category: "Go", title: "Go to Line/Column…", keybinding: "Mod+G", run: () => runEditorAction("editor.action.gotoLine") });
  registerCommand({ id: "actions.find", category: "Edit", title: "Find", keybinding: "Mod+F", when: () => !!getActiveCodeEditor(), run: () => runEditorAction("actions.find") });
  registerCommand({
    id: "editor.action.startFindReplaceAction",
    category: "Edit",
    title: "Replace",
    keybinding: "Mod+H",
    when: () => !!getActiveCodeEditor(),
    run: () => runEditorAction("editor.action.startFindReplaceAction"),
  });
  registerCommand({ id: "editor.action.formatDocument", category: "Edit", title: "Format Document", keybinding: "Shift+Alt+F", run: () => runEditorAction("editor.action.formatDocument") });
  registerCommand({
    id: "editor.action.toggleWordWrap",
    category: "View",
    title: "Toggle Word Wrap",
    keybinding: "Alt+Z",
    run: () => updateSettings({ "editor.wordWrap": !currentSettings()["editor.wordWrap"] }),
  });
  registerCommand({
    id: "editor.action.toggleMinimap",
    category: "View",
    title: "Toggle Minimap",
    run: () => updateSettings({ "editor.minimap": !currentSettings()["editor.minimap"] }),
  });
  registerCommand({ id: "workbench.view.explorer", category: "View", title: "Show Explorer", keybinding: "Mod+Shift+E", run: () => layout().showSideView("explorer") });
  registerCommand({ id: "workbench.view.search", category: "Search", title: "Find in Files", keybinding: "Mod+Shift+F", run: () => layout().focusSearch() });
  registerCommand({ id: "workbench.view.chat", category: "View", title: "Show Chat", keybinding: "Mod+Alt+I", run: () => layout().showSideView("chat") });
  registerCommand({ id: "workbench.action.toggleSidebarVisibility", category: "View", title: "Toggle Primary Side Bar", keybinding: "Mod+B", run: () => layout().toggleSide() });
  registerCommand({ id: "workbench.action.togglePanel", category: "View", title: "Toggle Panel", keybinding: "Mod+J", run: () => layout().togglePanel() });
  registerCommand({ id: "workbench.action.openSettings", category: "Preferences", title: "Open Settings", keybinding: "Mod+,", run: openSettings });
  registerCommand({ id: "pairpad.openModelSettings", category: "Pairpad", title: "Open Model Settings (providers, roles, API keys)", run: openModelSettings });
  registerCommand({ id: "explorer.newFile", category: "File", title: "New File…", run: () => (layout().showSideView("explorer"), startCreate("newFile")) });
  registerCommand({ id: "explorer.newFolder", category: "File", title: "New Folder…", run: () => (layout().showSideView("explorer"), startCreate("newFolder")) });
  registerCommand({ id: "workbench.files.action.refreshFilesExplorer", category: "File", title: "Refresh Explorer", run: () => void refreshAll() });
  const themes: [ThemeSetting, string][] = [
    ["dark", "Dark"],
    ["light", "Light"],
    ["system", "Follow System"],
  ];
  for (const [value, label] of themes) {
    registerCommand({ id: `workbench.action.theme.${value}`, category: "Preferences", title: `Color Theme: ${label}`, run: () => updateSettings({ "workbench.theme": value }) });
  }
}
