// Asks the search view to focus its input (Ctrl+Shift+F, the activity bar).
import { create } from "zustand";
import { useLayout } from "../stores/layout";

export const SEARCH_VIEW = "search";

/** Bumped to ask the search view to focus its input. */
export const useSearchFocus = create<{ tick: number }>(() => ({ tick: 0 }));

export function focusSearch(): void {
  useLayout.getState().showSideView(SEARCH_VIEW);
  useSearchFocus.setState((s) => ({ tick: s.tick + 1 }));
}
