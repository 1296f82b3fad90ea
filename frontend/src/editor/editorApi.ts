// The editor's public API: the one module of editor/ other features (chat, explorer, search,
// palette, symbols, settings, later the agent) import. Keep it small and stable.
import { activeTab, useTabs } from "../stores/tabs";
import {
  checkDisk,
  ensureBuffer,
  getBuffer,
  getHotExit,
  getModel,
  modelUri,
  onDidSaveBuffer,
  renameBuffer,
  useBuffers,
  whileSettling,
} from "./buffers";
import { getActiveCodeEditor } from "./editorRegistry";
import {
  closeFileTabs,
  openFile as openFileInEditor,
  openProposal,
  revealPosition,
  type OpenFileOptions,
} from "./actions";
import { monaco } from "./monacoSetup";
import { isSameOrDescendant, rebasePath } from "../util/paths";

/** Monaco itself (workers and themes set up), for language providers and the colorizer. */
export { monaco, modelUri, ensureBuffer, closeFileTabs, whileSettling, onDidSaveBuffer, type OpenFileOptions };

/** Re-reads open files after something else changed them on disk (an applied rename), without
 * waiting for the watcher: clean buffers follow the disk, dirty ones get the conflict bar. */
export async function refreshFromDisk(paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((path) => checkDisk(path)));
}

/** Whether a file's buffer is loaded and has unsaved edits (not reactive). */
export function hasUnsavedEdits(path: string): boolean {
  return getBuffer(path)?.dirty ?? false;
}

/** The text model of a loaded file, if a buffer holds it (not reactive). */
export function loadedModel(path: string): monaco.editor.ITextModel | undefined {
  return getModel(path);
}

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

/** Opens a file: as a preview, in a group, at a position, with or without focus. */
export function openEditor(path: string, options: OpenFileOptions = {}): void {
  openFileInEditor(path, options);
}

/** Moves the focused editor's cursor to a 1-based line and column, and focuses it. */
export function revealInActiveEditor(line: number, column = 1): void {
  const editor = getActiveCodeEditor();
  if (!editor) return;
  revealPosition(editor, line, column);
  editor.focus();
}

/** The text model of a file while a buffer holds it (re-renders as buffers come and go). */
export function useModel(path: string): monaco.editor.ITextModel | undefined {
  return useBuffers((s) => (s.buffers[path] ? getModel(path) : undefined));
}

/** Whether a file has unsaved edits (re-renders when that changes). */
export function useIsDirty(path: string): boolean {
  return useBuffers((s) => s.buffers[path]?.dirty ?? false);
}

// ---- for the explorer's file operations (move, delete) ----

/** Paths the editor holds a buffer for. */
export function loadedPaths(): string[] {
  return Object.keys(useBuffers.getState().buffers);
}

/** Paths whose buffers have unsaved edits. */
export function dirtyPaths(): string[] {
  return Object.values(useBuffers.getState().buffers)
    .filter((b) => b.dirty)
    .map((b) => b.path);
}

/** Paths with a hot-exit backup (unsaved edits of files not loaded); throws when IndexedDB is unavailable. */
export async function backupPaths(): Promise<string[]> {
  return ((await getHotExit()?.all()) ?? []).map((b) => b.path);
}

/** Drops the hot-exit backups of deleted files. */
export async function discardBackups(paths: string[]): Promise<void> {
  const hotExit = getHotExit();
  if (hotExit) await Promise.all(paths.map((p) => hotExit.discard(p)));
}

/** Buffers (and their unsaved edits) follow a moved file or folder. */
export function moveBuffers(from: string, to: string): void {
  for (const p of loadedPaths().filter((p) => isSameOrDescendant(p, from))) renameBuffer(p, rebasePath(p, from, to));
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
