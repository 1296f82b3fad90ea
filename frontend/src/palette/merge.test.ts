import { describe, expect, it } from "vitest";
import type { Command } from "../workbench/commands";
import { keyChords, mergeCommands, type EditorAction } from "./merge";

const noop = () => undefined;
const ours: Command[] = [
  {
    id: "editor.action.formatDocument",
    category: "Editor",
    title: "Format Document",
    keybinding: "Mod+Shift+I",
    run: noop,
  },
  { id: "workbench.action.gotoLine", category: "Go", title: "Go to Line/Column…", keybinding: "Mod+G", run: noop },
  { id: "workbench.action.showCommands", category: "View", title: "Show All Commands", run: noop },
];
const actions: EditorAction[] = [
  { id: "editor.action.formatDocument", label: "Format Document", keyLabel: "Ctrl+Shift+I", run: noop },
  { id: "editor.action.gotoLine", label: "Go to Line/Column...", keyLabel: "Ctrl+G", run: noop },
  { id: "editor.action.commentLine", label: "Toggle Line Comment", keyLabel: "Ctrl+/", run: noop },
  { id: "editor.action.quickCommand", label: "Command Palette", keyLabel: "F1", run: noop },
  { id: "editor.action.addCommentLine", label: "Add Line Comment", keyLabel: "Ctrl+K Ctrl+C", run: noop },
];

describe("mergeCommands", () => {
  it("adds Monaco's actions to ours, deduped by id and by title", () => {
    const merged = mergeCommands(ours, actions, false);
    const labels = merged.map((c) => c.label);
    expect(labels).toEqual([
      "Add Line Comment",
      "Editor: Format Document",
      "Go: Go to Line/Column…",
      "Toggle Line Comment",
      "View: Show All Commands",
    ]);
    // Ours wins a duplicate (its keybinding shown); Monaco's keeps its own key label.
    expect(merged.find((c) => c.id === "editor.action.formatDocument")).toMatchObject({
      source: "workbench",
      keyLabel: "Ctrl+Shift+I",
    });
    expect(merged.find((c) => c.id === "editor.action.commentLine")).toMatchObject({
      source: "editor",
      keyLabel: "Ctrl+/",
    });
  });

  it("never lists Monaco's own palette", () => {
    expect(mergeCommands([], actions).some((c) => c.id === "editor.action.quickCommand")).toBe(false);
  });

  it("lists an action once even when Monaco reports it twice", () => {
    const twice = [actions[2], { ...actions[2], id: "other.commentLine" }];
    expect(mergeCommands([], twice).map((c) => c.label)).toEqual(["Toggle Line Comment"]);
  });
});

describe("keyChords", () => {
  it("splits chords and keys, keeping a plus key", () => {
    expect(keyChords("Ctrl+K Ctrl+C")).toEqual([
      ["Ctrl", "K"],
      ["Ctrl", "C"],
    ]);
    expect(keyChords("Ctrl++")).toEqual([["Ctrl", "+"]]);
    expect(keyChords("F1")).toEqual([["F1"]]);
  });
});
