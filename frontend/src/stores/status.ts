// What the status bar shows about the focused editor.
import { create } from "zustand";

interface StatusState {
  line: number;
  column: number;
  selected: number;
  setCursor: (line: number, column: number, selected: number) => void;
}

export const useStatus = create<StatusState>((set) => ({
  line: 1,
  column: 1,
  selected: 0,
  setCursor: (line, column, selected) => set({ line, column, selected }),
}));
