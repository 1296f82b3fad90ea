// Explorer UI state: which folders are expanded (kept across reloads), the selected row, the row
// to scroll to, inline create/rename.
import { create } from "zustand";
import { ancestors, dirname, rebasePath, isSameOrDescendant } from "../util/paths";

export type EditMode = "newFile" | "newFolder" | "rename";

export interface InlineEdit {
  mode: EditMode;
  /** Folder that receives the new entry, or the parent of the renamed one. */
  dir: string;
  /** The entry being renamed. */
  path?: string;
  error?: string;
}

export interface ContextMenuState {
  x: number;
  y: number;
  path: string | null;
  isDir: boolean;
}

interface ExplorerState {
  expanded: Set<string>;
  selected: string | null;
  /** A row to scroll into view once it renders (the active tab's file). */
  revealing: string | null;
  edit: InlineEdit | null;
  menu: ContextMenuState | null;
  toggle: (dir: string) => void;
  expand: (dir: string) => void;
  collapse: (dir: string) => void;
  collapseAll: () => void;
  select: (path: string | null) => void;
  /** Expands the file's folders, selects it and scrolls to it. */
  reveal: (path: string) => void;
  revealed: () => void;
  startEdit: (edit: InlineEdit) => void;
  setEditError: (error: string | undefined) => void;
  endEdit: () => void;
  openMenu: (menu: ContextMenuState) => void;
  closeMenu: () => void;
  moved: (from: string, to: string) => void;
  removed: (path: string) => void;
}

const STORAGE_KEY = "pairpad.explorer.expanded";

function loadExpanded(): Set<string> {
  try {
    const saved: unknown = JSON.parse(globalThis.localStorage?.getItem(STORAGE_KEY) ?? "[]");
    return new Set(Array.isArray(saved) ? saved.filter((p): p is string => typeof p === "string") : []);
  } catch {
    return new Set();
  }
}

export const useExplorer = create<ExplorerState>((set) => ({
  expanded: loadExpanded(),
  selected: null,
  revealing: null,
  edit: null,
  menu: null,
  toggle: (dir) =>
    set((s) => {
      const expanded = new Set(s.expanded);
      if (expanded.has(dir)) expanded.delete(dir);
      else expanded.add(dir);
      return { expanded };
    }),
  expand: (dir) => set((s) => (s.expanded.has(dir) ? s : { expanded: new Set(s.expanded).add(dir) })),
  collapse: (dir) =>
    set((s) => {
      if (!s.expanded.has(dir)) return s;
      const expanded = new Set(s.expanded);
      expanded.delete(dir);
      return { expanded };
    }),
  collapseAll: () => set({ expanded: new Set() }),
  select: (path) => set({ selected: path }),
  reveal: (path) =>
    set((s) => {
      const dirs = ancestors(path).filter((d) => d && !s.expanded.has(d));
      return {
        expanded: dirs.length ? new Set([...s.expanded, ...dirs]) : s.expanded,
        selected: path,
        revealing: path,
      };
    }),
  revealed: () => set({ revealing: null }),
  startEdit: (edit) => set({ edit, menu: null }),
  setEditError: (error) => set((s) => (s.edit ? { edit: { ...s.edit, error } } : s)),
  endEdit: () => set({ edit: null }),
  openMenu: (menu) => set({ menu }),
  closeMenu: () => set({ menu: null }),
  moved: (from, to) =>
    set((s) => ({
      expanded: new Set([...s.expanded].map((p) => rebasePath(p, from, to))),
      selected: s.selected ? rebasePath(s.selected, from, to) : s.selected,
    })),
  removed: (path) =>
    set((s) => ({
      expanded: new Set([...s.expanded].filter((p) => !isSameOrDescendant(p, path))),
      selected: s.selected && isSameOrDescendant(s.selected, path) ? null : s.selected,
    })),
}));

let lastSaved: Set<string> | null = null;
useExplorer.subscribe((s) => {
  if (s.expanded === lastSaved) return;
  lastSaved = s.expanded;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify([...s.expanded]));
  } catch {
    // Storage may be unavailable (private mode); folders then start collapsed.
  }
});

/** The folder a new entry goes into, given the current selection. */
function targetDirForSelection(selected: string | null, selectedIsDir: boolean): string {
  if (!selected) return "";
  return selectedIsDir ? selected : dirname(selected);
}

export function startCreate(mode: "newFile" | "newFolder"): void {
  const { selected, expand, startEdit } = useExplorer.getState();
  const selectedIsDir =
    !!selected && document.querySelector(`[data-path="${CSS.escape(selected)}"]`)?.getAttribute("data-type") === "dir";
  const dir = targetDirForSelection(selected, selectedIsDir);
  if (dir) expand(dir);
  startEdit({ mode, dir });
}
