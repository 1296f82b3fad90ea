// Resolves "system" against prefers-color-scheme and applies the theme to the page and Monaco.
import { useEffect, useState } from "react";
import type { ThemeSetting } from "../api/types";
import { monaco } from "../editor/editorApi";

export type EffectiveTheme = "dark" | "light";

export function resolveTheme(setting: ThemeSetting, prefersDark: boolean): EffectiveTheme {
  if (setting === "dark" || setting === "light") return setting;
  return prefersDark ? "dark" : "light";
}

function usePrefersDark(): boolean {
  const query = "(prefers-color-scheme: dark)";
  const [dark, setDark] = useState(() => window.matchMedia?.(query).matches ?? true);
  useEffect(() => {
    const mql = window.matchMedia?.(query);
    if (!mql) return;
    const onChange = () => setDark(mql.matches);
    mql.addEventListener("change", onChange);
    return () => mql.removeEventListener("change", onChange);
  }, []);
  return dark;
}

export function useApplyTheme(setting: ThemeSetting): EffectiveTheme {
  const theme = resolveTheme(setting, usePrefersDark());
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    monaco.editor.setTheme(theme === "dark" ? "pairpad-dark" : "pairpad-light");
  }, [theme]);
  return theme;
}
