// Editor groups and their tabs, with VS Code's preview-tab rules:
// a single click opens a preview tab (italic) that the next preview replaces;
// double-click, editing, or opening from elsewhere pins it.
import { create } from "zustand";

/** A tab kind is contributed by a feature (workbench/registry.ts): "file", "diff", "settings", … */
export type TabKind = string;

/** What this store must know about a kind; the registry defines it when a feature contributes the kind. */
export interface TabKindTraits {
  /** `path` is a workspace file: renamed and closed with it, keeps its buffer alive. */
  fileBacked: boolean;
  /** Kept in the layout snapshot restored after a reload. */
  persistent: boolean;
}

const traits = new Map<TabKind, TabKindTraits>();

export function defineTabKind(kind: TabKind, kindTraits: TabKindTraits): void {
  traits.set(kind, kindTraits);
}

const isFileBacked = (kind: TabKind) => traits.get(kind)?.fileBacked ?? false;
const isPersistent = (kind: TabKind) => traits.get(kind)?.persistent ?? false;

export interface TabInput {
  kind: TabKind;
  /** File path for file-backed kinds (file, diff), the proposal id for proposals, "" for settings. */
  path: string;
}

export interface Tab extends TabInput {
  id: string;
  preview: boolean;
}

export interface EditorGroup {
  id: string;
  tabs: Tab[];
  activeTabId: string | null;
}

export interface TabsSnapshot {
  groups: EditorGroup[];
  activeGroupId: string;
}

export interface OpenOptions {
  preview?: boolean;
  groupId?: string;
}

export const MAX_GROUPS = 2;

export function tabId(input: TabInput): string {
  return `${input.kind}:${input.path}`;
}

interface TabsState extends TabsSnapshot {
  open: (input: TabInput, options?: OpenOptions) => string;
  pin: (groupId: string, id: string) => void;
  pinPath: (path: string) => void;
  activate: (groupId: string, id: string) => void;
  focusGroup: (groupId: string) => void;
  close: (groupId: string, id: string) => void;
  /** Closes the file-backed tabs of a path. */
  closePath: (path: string) => void;
  split: () => void;
  renamePath: (rebase: (p: string) => string) => void;
  restore: (snapshot: TabsSnapshot) => void;
  reset: () => void;
}

let groupCounter = 1;
const newGroupId = () => `g${groupCounter++}`;

function initialState(): TabsSnapshot {
  const id = newGroupId();
  return { groups: [{ id, tabs: [], activeTabId: null }], activeGroupId: id };
}

function updateGroup(groups: EditorGroup[], groupId: string, fn: (g: EditorGroup) => EditorGroup): EditorGroup[] {
  return groups.map((g) => (g.id === groupId ? fn(g) : g));
}

/** Removes a tab and picks the neighbour VS Code would activate (right, else left). */
export function removeTab(group: EditorGroup, id: string): EditorGroup {
  const index = group.tabs.findIndex((t) => t.id === id);
  if (index < 0) return group;
  const tabs = group.tabs.filter((t) => t.id !== id);
  let activeTabId = group.activeTabId;
  if (activeTabId === id) activeTabId = tabs[Math.min(index, tabs.length - 1)]?.id ?? null;
  return { ...group, tabs, activeTabId };
}

export const useTabs = create<TabsState>((set, get) => ({
  ...initialState(),

  open: (input, options = {}) => {
    const id = tabId(input);
    const preview = options.preview ?? false;
    const state = get();
    const groupId =
      options.groupId && state.groups.some((g) => g.id === options.groupId) ? options.groupId : state.activeGroupId;
    set((s) => ({
      activeGroupId: groupId,
      groups: updateGroup(s.groups, groupId, (g) => {
        const existing = g.tabs.find((t) => t.id === id);
        if (existing) {
          // Opening again without preview pins it; a preview request never un-pins.
          const tabs = preview ? g.tabs : g.tabs.map((t) => (t.id === id ? { ...t, preview: false } : t));
          return { ...g, tabs, activeTabId: id };
        }
        const tab: Tab = { ...input, id, preview };
        const previewIndex = g.tabs.findIndex((t) => t.preview);
        if (preview && previewIndex >= 0) {
          // The new preview replaces the old one in place.
          const tabs = [...g.tabs];
          tabs[previewIndex] = tab;
          return { ...g, tabs, activeTabId: id };
        }
        const activeIndex = g.tabs.findIndex((t) => t.id === g.activeTabId);
        const tabs = [...g.tabs];
        tabs.splice(activeIndex < 0 ? tabs.length : activeIndex + 1, 0, tab);
        return { ...g, tabs, activeTabId: id };
      }),
    }));
    return id;
  },

  pin: (groupId, id) =>
    set((s) => ({
      groups: updateGroup(s.groups, groupId, (g) => ({
        ...g,
        tabs: g.tabs.map((t) => (t.id === id && t.preview ? { ...t, preview: false } : t)),
      })),
    })),

  pinPath: (path) =>
    set((s) => {
      if (!s.groups.some((g) => g.tabs.some((t) => t.kind === "file" && t.path === path && t.preview))) return s;
      return {
        groups: s.groups.map((g) => ({
          ...g,
          tabs: g.tabs.map((t) => (t.kind === "file" && t.path === path ? { ...t, preview: false } : t)),
        })),
      };
    }),

  activate: (groupId, id) =>
    set((s) => ({
      activeGroupId: groupId,
      groups: updateGroup(s.groups, groupId, (g) => (g.tabs.some((t) => t.id === id) ? { ...g, activeTabId: id } : g)),
    })),

  focusGroup: (groupId) => set((s) => (s.groups.some((g) => g.id === groupId) ? { activeGroupId: groupId } : s)),

  close: (groupId, id) =>
    set((s) => {
      let groups = updateGroup(s.groups, groupId, (g) => removeTab(g, id));
      let activeGroupId = s.activeGroupId;
      // An emptied secondary group disappears, as in VS Code.
      if (groups.length > 1) {
        const emptied = groups.find((g) => g.id === groupId && g.tabs.length === 0);
        if (emptied) {
          groups = groups.filter((g) => g.id !== groupId);
          if (activeGroupId === groupId) activeGroupId = groups[0].id;
        }
      }
      return { groups, activeGroupId };
    }),

  closePath: (path) => {
    for (const g of get().groups) {
      for (const t of g.tabs) if (t.path === path && isFileBacked(t.kind)) get().close(g.id, t.id);
    }
  },

  split: () =>
    set((s) => {
      const source = s.groups.find((g) => g.id === s.activeGroupId) ?? s.groups[0];
      const activeTab = source.tabs.find((t) => t.id === source.activeTabId);
      if (s.groups.length >= MAX_GROUPS) {
        // Already split: move focus to the other group, carrying the active file across.
        const other = s.groups.find((g) => g.id !== source.id)!;
        if (!activeTab) return { activeGroupId: other.id };
        const has = other.tabs.some((t) => t.id === activeTab.id);
        return {
          activeGroupId: other.id,
          groups: updateGroup(s.groups, other.id, (g) => ({
            ...g,
            tabs: has ? g.tabs : [...g.tabs, { ...activeTab, preview: false }],
            activeTabId: activeTab.id,
          })),
        };
      }
      const id = newGroupId();
      const tabs = activeTab ? [{ ...activeTab, preview: false }] : [];
      return {
        groups: [...s.groups, { id, tabs, activeTabId: activeTab?.id ?? null }],
        activeGroupId: id,
      };
    }),

  renamePath: (rebase) =>
    set((s) => ({
      groups: s.groups.map((g) => {
        const tabs = g.tabs.map((t) => {
          if (!isFileBacked(t.kind)) return t;
          const path = rebase(t.path);
          return path === t.path ? t : { ...t, path, id: tabId({ kind: t.kind, path }) };
        });
        const active = g.tabs.findIndex((t) => t.id === g.activeTabId);
        return { ...g, tabs, activeTabId: active >= 0 ? tabs[active].id : g.activeTabId };
      }),
    })),

  restore: (snapshot) => {
    if (!snapshot.groups.length) return;
    // Keep group ids unique for later splits.
    for (const g of snapshot.groups) {
      const n = Number(g.id.slice(1));
      if (Number.isFinite(n) && n >= groupCounter) groupCounter = n + 1;
    }
    set({ groups: snapshot.groups, activeGroupId: snapshot.activeGroupId });
  },

  reset: () => set(initialState()),
}));

export function activeTab(state: TabsSnapshot): { group: EditorGroup; tab: Tab | null } {
  const group = state.groups.find((g) => g.id === state.activeGroupId) ?? state.groups[0];
  return { group, tab: group.tabs.find((t) => t.id === group.activeTabId) ?? null };
}

/** All file paths shown in some tab (a buffer is kept while any tab shows it). */
export function openFilePaths(state: TabsSnapshot): Set<string> {
  const out = new Set<string>();
  for (const g of state.groups) for (const t of g.tabs) if (isFileBacked(t.kind)) out.add(t.path);
  return out;
}

export function snapshotOf(state: TabsSnapshot): TabsSnapshot {
  return {
    activeGroupId: state.activeGroupId,
    groups: state.groups
      .map((g) => ({ ...g, tabs: g.tabs.filter((t) => isPersistent(t.kind)) }))
      .map((g) => ({
        ...g,
        activeTabId: g.tabs.some((t) => t.id === g.activeTabId) ? g.activeTabId : (g.tabs[0]?.id ?? null),
      })),
  };
}
