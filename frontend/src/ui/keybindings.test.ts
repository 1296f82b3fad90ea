import { describe, expect, it } from "vitest";
import { formatKeybinding, matchesKeybinding, parseKeybinding } from "./keybindings";

const key = (
  k: string,
  code: string,
  mods: Partial<{ ctrl: boolean; meta: boolean; shift: boolean; alt: boolean }> = {},
) => ({
  key: k,
  code,
  ctrlKey: !!mods.ctrl,
  metaKey: !!mods.meta,
  shiftKey: !!mods.shift,
  altKey: !!mods.alt,
});

describe("keybindings", () => {
  it("parses chords", () => {
    expect(parseKeybinding("Mod+Shift+P")).toEqual({ mod: true, ctrl: false, shift: true, alt: false, key: "p" });
  });

  it("maps Mod to Ctrl off macOS and Cmd on macOS", () => {
    expect(matchesKeybinding(key("p", "KeyP", { ctrl: true }), "Mod+P", false)).toBe(true);
    expect(matchesKeybinding(key("p", "KeyP", { meta: true }), "Mod+P", true)).toBe(true);
    expect(matchesKeybinding(key("p", "KeyP", { ctrl: true }), "Mod+P", true)).toBe(false);
    expect(matchesKeybinding(key("P", "KeyP", { ctrl: true, shift: true }), "Mod+P", false)).toBe(false);
  });

  it("uses the physical key when Alt changes the character", () => {
    expect(matchesKeybinding(key("Ω", "KeyZ", { alt: true }), "Alt+Z", true)).toBe(true);
    expect(matchesKeybinding(key("\\", "Backslash", { ctrl: true }), "Mod+\\", false)).toBe(true);
  });

  it("formats for display", () => {
    expect(formatKeybinding("Mod+Shift+P", false)).toBe("Ctrl+Shift+P");
    expect(formatKeybinding("Mod+Shift+P", true)).toBe("⇧⌘P");
    expect(formatKeybinding("Alt+Z", false)).toBe("Alt+Z");
  });
});
