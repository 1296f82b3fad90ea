import { describe, expect, it } from "vitest";
import type { Command } from "../workbench/commands";
import { filterShortcuts, humanizeCommand, shortcutRows } from "./shortcuts";

const noop = () => undefined;
const ours: Command[] = [
  {
    id: "workbench.action.showCommands",
    category: "View",
    title: "Show All Commands",
    keybinding: "Mod+Shift+P",
    altKeybindings: ["F1"],
    run: noop,
  },
  { id: "workbench.action.gotoLine", category: "Go", title: "Go to Line/Column…", keybinding: "Mod+G", run: noop },
  { id: "chat.new", category: "Chat", title: "New Conversation", run: noop },
];
const monacoKeys = [
  { command: "editor.action.quickCommand", keyLabel: "F1" },
  { command: "editor.action.gotoLine", keyLabel: "Ctrl+G" },
  { command: "editor.action.commentLine", keyLabel: "Ctrl+/" },
  { command: "cursorWordLeftSelect", keyLabel: "Ctrl+Shift+LeftArrow" },
  { command: "editor.action.commentLine", keyLabel: "Ctrl+/" },
];

describe("shortcutRows", () => {
  const rows = shortcutRows(
    ours,
    [{ id: "editor.action.commentLine", label: "Toggle Line Comment", run: noop }],
    monacoKeys,
    false,
  );

  it("lists every key of ours, then Monaco's keys that still reach the editor", () => {
    expect(rows.map((r) => [r.label, r.keyLabel, r.source])).toEqual([
      ["View: Show All Commands", "Ctrl+Shift+P", "Workbench"],
      ["View: Show All Commands", "F1", "Workbench"],
      ["Go: Go to Line/Column…", "Ctrl+G", "Workbench"],
      ["Toggle Line Comment", "Ctrl+/", "Editor"],
      ["Cursor Word Left Select", "Ctrl+Shift+LeftArrow", "Editor"],
    ]);
  });

  it("filters by title, key or command id, every word", () => {
    expect(filterShortcuts(rows, "comment").map((r) => r.keyLabel)).toEqual(["Ctrl+/"]);
    expect(filterShortcuts(rows, "ctrl+shift").map((r) => r.label)).toEqual([
      "View: Show All Commands",
      "Cursor Word Left Select",
    ]);
    expect(filterShortcuts(rows, "f1 show")).toHaveLength(1);
    expect(filterShortcuts(rows, "")).toHaveLength(rows.length);
  });
});

describe("humanizeCommand", () => {
  it("turns a command id into words", () => {
    expect(humanizeCommand("cursorWordLeftSelect")).toBe("Cursor Word Left Select");
    expect(humanizeCommand("editor.action.insertCursorBelow")).toBe("Insert Cursor Below");
  });
});
