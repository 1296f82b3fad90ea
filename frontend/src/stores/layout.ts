// Workbench layout: which side view is shown, sizes, and the overlays (quick open, palette).
import { create } from "zustand";

/** The id of a side view a feature contributed (workbench/registry.ts): "explorer", "search", "chat", … */
export type SideView = string;
export type QuickInputMode = "files" | "commands" | null;
/** Where the secondary side bar (chat) sits: right of the editor (default) or left of it. */
export type SecondarySide = "left" | "right";

interface LayoutState {
  sideView: SideView;
  sideVisible: boolean;
  sideWidth: number;
  /** The secondary side bar: views contributed with `location: "secondary"` (chat). */
  secondaryView: SideView;
  secondaryVisible: boolean;
  secondaryWidth: number;
  secondarySide: SecondarySide;
  panelVisible: boolean;
  panelHeight: number;
  /** The id of the bottom panel's shown view (a contributed panel view: "problems", "terminal", …). */
  panelView: string;
  quickInput: QuickInputMode;
  quickInputInitial: string;
  showSideView: (view: SideView) => void;
  toggleSideView: (view: SideView) => void;
  toggleSide: () => void;
  setSideWidth: (width: number) => void;
  showSecondaryView: (view: SideView) => void;
  toggleSecondaryView: (view: SideView) => void;
  toggleSecondary: () => void;
  setSecondaryWidth: (width: number) => void;
  moveSecondary: (side: SecondarySide) => void;
  togglePanel: () => void;
  /** Shows the panel with one of its views. */
  showPanelView: (view: string) => void;
  setPanelHeight: (height: number) => void;
  openQuickInput: (mode: Exclude<QuickInputMode, null>, initial?: string) => void;
  closeQuickInput: () => void;
}

const STORAGE_KEY = "pairpad.layout";

type Persisted = Partial<
  Pick<
    LayoutState,
    | "sideWidth"
    | "sideVisible"
    | "panelHeight"
    | "sideView"
    | "panelView"
    | "secondaryView"
    | "secondaryVisible"
    | "secondaryWidth"
    | "secondarySide"
  >
>;

function loadPersisted(): Persisted {
  try {
    return JSON.parse(globalThis.localStorage?.getItem(STORAGE_KEY) ?? "{}") as Persisted;
  } catch {
    return {};
  }
}

export const clampSideWidth = (w: number) => Math.max(170, Math.min(800, Math.round(w)));
export const clampPanelHeight = (h: number) => Math.max(80, Math.min(900, Math.round(h)));

export const useLayout = create<LayoutState>((set, get) => ({
  sideView: "explorer",
  sideVisible: true,
  sideWidth: 260,
  secondaryView: "chat",
  secondaryVisible: false,
  secondaryWidth: 360,
  secondarySide: "right",
  panelVisible: false,
  panelHeight: 200,
  panelView: "problems",
  quickInput: null,
  quickInputInitial: "",
  ...loadPersisted(),
  showSideView: (view) => set({ sideView: view, sideVisible: true }),
  toggleSideView: (view) => {
    const s = get();
    if (s.sideVisible && s.sideView === view) set({ sideVisible: false });
    else set({ sideView: view, sideVisible: true });
  },
  toggleSide: () => set((s) => ({ sideVisible: !s.sideVisible })),
  setSideWidth: (width) => set({ sideWidth: clampSideWidth(width) }),
  showSecondaryView: (view) => set({ secondaryView: view, secondaryVisible: true }),
  toggleSecondaryView: (view) => {
    const s = get();
    if (s.secondaryVisible && s.secondaryView === view) set({ secondaryVisible: false });
    else set({ secondaryView: view, secondaryVisible: true });
  },
  toggleSecondary: () => set((s) => ({ secondaryVisible: !s.secondaryVisible })),
  setSecondaryWidth: (width) => set({ secondaryWidth: clampSideWidth(width) }),
  moveSecondary: (side) => set({ secondarySide: side, secondaryVisible: true }),
  togglePanel: () => set((s) => ({ panelVisible: !s.panelVisible })),
  showPanelView: (view) => set({ panelView: view, panelVisible: true }),
  setPanelHeight: (height) => set({ panelHeight: clampPanelHeight(height) }),
  openQuickInput: (mode, initial = "") => set({ quickInput: mode, quickInputInitial: initial }),
  closeQuickInput: () => set({ quickInput: null }),
}));

useLayout.subscribe((s) => {
  try {
    globalThis.localStorage?.setItem(
      STORAGE_KEY,
      JSON.stringify({
        sideWidth: s.sideWidth,
        sideVisible: s.sideVisible,
        panelHeight: s.panelHeight,
        sideView: s.sideView,
        panelView: s.panelView,
        secondaryView: s.secondaryView,
        secondaryVisible: s.secondaryVisible,
        secondaryWidth: s.secondaryWidth,
        secondarySide: s.secondarySide,
      }),
    );
  } catch {
    // Storage may be unavailable (private mode); layout then resets on reload.
  }
});
