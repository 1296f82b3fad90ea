// The live Monaco editor of each group, so commands and the editor API act on the focused one.
import { useTabs } from "../stores/tabs";
import type { monaco } from "./monacoSetup";

const editors = new Map<string, monaco.editor.ICodeEditor>();

export function registerGroupEditor(groupId: string, editor: monaco.editor.ICodeEditor): () => void {
  editors.set(groupId, editor);
  return () => {
    if (editors.get(groupId) === editor) editors.delete(groupId);
  };
}

export function getActiveCodeEditor(): monaco.editor.ICodeEditor | undefined {
  const state = useTabs.getState();
  const group = state.groups.find((g) => g.id === state.activeGroupId);
  const tab = group?.tabs.find((t) => t.id === group.activeTabId);
  if (!group || tab?.kind !== "file") return undefined;
  return editors.get(group.id);
}

export function getGroupEditor(groupId: string): monaco.editor.ICodeEditor | undefined {
  return editors.get(groupId);
}

/** Where to put the cursor once a file's editor shows it (open at line from search/quick open). */
export interface Reveal {
  line: number;
  column: number;
  /** Selects from `column` to here on the line (a search match). */
  endColumn?: number;
}

const pendingReveal = new Map<string, Reveal>();

export function requestReveal(groupId: string, path: string, line: number, column = 1, endColumn?: number): void {
  pendingReveal.set(`${groupId}:${path}`, { line, column, endColumn });
}

export function takeReveal(groupId: string, path: string): Reveal | undefined {
  const key = `${groupId}:${path}`;
  const value = pendingReveal.get(key);
  pendingReveal.delete(key);
  return value;
}
