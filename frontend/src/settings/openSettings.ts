import { useTabs } from "../stores/tabs";

export const SETTINGS_TAB = "settings";

export function openSettings(): void {
  useTabs.getState().open({ kind: SETTINGS_TAB, path: "" });
}
