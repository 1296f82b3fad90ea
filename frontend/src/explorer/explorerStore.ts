// Explorer UI state: which folders are expanded, the selected row, inline create/rename.
import { create } from "zustand";
import { dirname, rebasePath, isSameOrDescendant } from "../util/paths";

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
  edit: InlineEdit | null;
  menu: ContextMenuState | null;
  toggle: (dir: string) => void;
  expand: (dir: string) => void;
  collapse: (dir: string) => void;
  collapseAll: () => void;
  select: (path: string | null) => void;
  startEdit: (edit: InlineEdit) => void;
  setEditError: (error: string | undefined) => void;
  endEdit: () => void;
  openMenu: (menu: ContextMenuState) => void;
  closeMenu: () => void;
  moved: (from: string, to: string) => void;
  removed: (path: string) => void;
}

export const useExplorer = create<ExplorerState>((set) => ({
  expanded: new Set<string>(),
  selected: null,
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
