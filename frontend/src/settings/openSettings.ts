import { useTabs } from "../stores/tabs";

export function openSettings(): void {
  useTabs.getState().open({ kind: "settings", path: "" });
}
