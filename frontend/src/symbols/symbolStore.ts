// UI state of the symbols feature: the workspace-symbol picker and the index progress.
import { create } from "zustand";
import type { IndexProgress } from "./symbolsApi";

interface SymbolsState {
  pickerOpen: boolean;
  progress: IndexProgress | null;
  openPicker: () => void;
  closePicker: () => void;
  setProgress: (progress: IndexProgress) => void;
}

export const useSymbols = create<SymbolsState>((set) => ({
  pickerOpen: false,
  progress: null,
  openPicker: () => set({ pickerOpen: true }),
  closePicker: () => set({ pickerOpen: false }),
  setProgress: (progress) => set({ progress }),
}));

export function percentOf(progress: IndexProgress): number {
  return progress.total === 0 ? 100 : Math.floor((100 * progress.indexed) / progress.total);
}
