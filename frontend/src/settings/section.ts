// Which section the Settings page shows; "Open Model Settings" (status bar, palette, chat)
// opens the Settings tab on the AI / Models section.
import { create } from "zustand";
import { openSettings } from "./openSettings";

export type SettingsSection = "editor" | "models" | "completion";

export const useSettingsSection = create<{ section: SettingsSection }>(() => ({ section: "editor" }));

export function showSettingsSection(section: SettingsSection): void {
  useSettingsSection.setState({ section });
}

export function openModelSettings(): void {
  showSettingsSection("models");
  openSettings();
}
