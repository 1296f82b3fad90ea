// The editor API other features (chat, agent, symbols) call. Keep it small and stable.
import { activeTab, useTabs } from "../stores/tabs";
import { ensureBuffer, getBuffer, getModel } from "./buffers";
import { getActiveCodeEditor } from "./editorRegistry";
import { openFile as openFileInEditor, openProposal } from "./actions";

export interface ActiveFile {
  path: string;
  language: string;
  content: string;
  dirty: boolean;
}

export interface EditorSelection {
  path: string;
  text: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** The file in the focused editor group, with its current (possibly unsaved) text. */
export function getActiveFile(): ActiveFile | null {
  const { tab } = activeTab(useTabs.getState());
  if (!tab || tab.kind !== "file") return null;
  const model = getModel(tab.path);
  const buffer = getBuffer(tab.path);
  if (!model || !buffer) return null;
  return { path: tab.path, language: model.getLanguageId(), content: model.getValue(), dirty: buffer.dirty };
}

/** The cursor's line (1-based) in the active editor, or null when no editor has one. */
export function getCursorLine(): number | null {
  return getActiveCodeEditor()?.getPosition()?.lineNumber ?? null;
}

/** The selection of the focused editor, or null when nothing is selected. */
export function getSelection(): EditorSelection | null {
  const editor = getActiveCodeEditor();
  const model = editor?.getModel();
  const selection = editor?.getSelection();
  const file = getActiveFile();
  if (!editor || !model || !selection || !file || selection.isEmpty()) return null;
  return {
    path: file.path,
    text: model.getValueInRange(selection),
    startLine: selection.startLineNumber,
    startColumn: selection.startColumn,
    endLine: selection.endLineNumber,
    endColumn: selection.endColumn,
  };
}

/** Inserts text at the cursor (replacing the selection) as one undoable edit. */
export function insertAtCursor(text: string): boolean {
  const editor = getActiveCodeEditor();
  const selection = editor?.getSelection();
  if (!editor || !selection) return false;
  editor.pushUndoStop();
  editor.executeEdits("pairpad-api", [{ range: selection, text, forceMoveMarkers: true }]);
  editor.pushUndoStop();
  editor.focus();
  return true;
}

/** Whether a tab shows the file (in any group). */
export function isFileOpen(path: string): boolean {
  return useTabs.getState().groups.some((g) => g.tabs.some((t) => t.kind === "file" && t.path === path));
}

/** A file's text as the editor has it (unsaved edits included), loading it if needed; null
 * when it cannot be read (it does not exist, binary, too large). */
export async function fileText(path: string): Promise<string | null> {
  await ensureBuffer(path);
  return getModel(path)?.getValue() ?? null;
}

/** Opens a file (pinned) and optionally puts the cursor on a 1-based line. */
export function openFile(path: string, line?: number, column?: number): void {
  openFileInEditor(path, { line, column });
}

/**
 * Shows the current file against `proposedContent` in a diff the user can edit, then
 * Accept (into the buffer, unsaved) or Reject. Resolves with the user's decision.
 */
export function openDiff(path: string, proposedContent: string): Promise<"accepted" | "rejected"> {
  return openProposal(path, proposedContent);
}
