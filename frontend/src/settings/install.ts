// The settings feature's contributions: the Settings tab, its commands (themes, model
// settings), the chat model's status bar item, and the theme applier.
import { createElement } from "react";
import type { ThemeSetting } from "../api/types";
import { updateSettings } from "../stores/settings";
import { GearIcon } from "../ui/icons";
import type { WorkbenchRegistry } from "../workbench/registry";
import { ModelStatusItem } from "./models/ModelStatusItem";
import { openSettings, SETTINGS_TAB } from "./openSettings";
import { openModelSettings } from "./section";
import { SettingsPage } from "./SettingsPage";
import { ThemeHost } from "./ThemeHost";

export function installSettings(wb: WorkbenchRegistry): void {
  wb.tabKind({
    kind: SETTINGS_TAB,
    component: SettingsPage,
    useInfo: () => ({ title: "Settings", icon: createElement(GearIcon) }),
    persistent: true,
  });
  wb.host({ id: "settings.theme", component: ThemeHost });
  wb.statusBarItem({ id: "settings.model", alignment: "right", order: 10, component: ModelStatusItem });
  wb.command({
    id: "workbench.action.openSettings",
    category: "Preferences",
    title: "Open Settings",
    keybinding: "Mod+,",
    run: openSettings,
  });
  wb.command({
    id: "pairpad.openModelSettings",
    category: "Pairpad",
    title: "Open Model Settings (providers, roles, API keys)",
    run: openModelSettings,
  });
  const themes: [ThemeSetting, string][] = [
    ["dark", "Dark"],
    ["light", "Light"],
    ["system", "Follow System"],
  ];
  for (const [value, label] of themes) {
    wb.command({
      id: `workbench.action.theme.${value}`,
      category: "Preferences",
      title: `Color Theme: ${label}`,
      run: () => updateSettings({ "workbench.theme": value }),
    });
  }
}
