// The terminal's colours from the workbench's CSS variables (styles/theme.css), so it follows
// the light and dark themes; the 16 ANSI colours are VS Code's for each.
import type { ITheme } from "@xterm/xterm";

const DARK_ANSI = {
  black: "#000000",
  red: "#cd3131",
  green: "#0dbc79",
  yellow: "#e5e510",
  blue: "#2472c8",
  magenta: "#bc3fbc",
  cyan: "#11a8cd",
  white: "#e5e5e5",
  brightBlack: "#666666",
  brightRed: "#f14c4c",
  brightGreen: "#23d18b",
  brightYellow: "#f5f543",
  brightBlue: "#3b8eea",
  brightMagenta: "#d670d6",
  brightCyan: "#29b8db",
  brightWhite: "#e5e5e5",
};

const LIGHT_ANSI = {
  black: "#000000",
  red: "#cd3131",
  green: "#00bc00",
  yellow: "#949800",
  blue: "#0451a5",
  magenta: "#bc05bc",
  cyan: "#0598bc",
  white: "#555555",
  brightBlack: "#666666",
  brightRed: "#cd3131",
  brightGreen: "#14ce14",
  brightYellow: "#b5ba00",
  brightBlue: "#0451a5",
  brightMagenta: "#bc05bc",
  brightCyan: "#0598bc",
  brightWhite: "#a5a5a5",
};

export function terminalTheme(root: HTMLElement = document.documentElement): ITheme {
  const css = getComputedStyle(root);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const light = root.dataset.theme === "light";
  return {
    ...(light ? LIGHT_ANSI : DARK_ANSI),
    background: v("--bg", light ? "#ffffff" : "#1e1f22"),
    foreground: v("--fg", light ? "#24292f" : "#d4d6db"),
    cursor: v("--fg", light ? "#24292f" : "#d4d6db"),
    cursorAccent: v("--bg", light ? "#ffffff" : "#1e1f22"),
    selectionBackground: v("--bg-selected-focus", light ? "#cfe3fb" : "#04395e"),
  };
}
