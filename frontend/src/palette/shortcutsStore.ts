// Whether the keyboard shortcuts list is open, with its rows (read when it opens).
import { create } from "zustand";
import { getCommands } from "../workbench/commands";
import { editorActions, monacoKeybindings, targetEditor } from "./editorActions";
import { shortcutRows, type ShortcutRow } from "./shortcuts";

export const useShortcuts = create<{ rows: ShortcutRow[] | null }>(() => ({ rows: null }));

/** Opens the list; Monaco's keymap is read from the editor the user was in. */
export function openKeyboardShortcuts(): void {
  const editor = targetEditor(document.activeElement);
  useShortcuts.setState({ rows: shortcutRows(getCommands(), editorActions(editor), monacoKeybindings(editor)) });
}
