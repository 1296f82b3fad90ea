import { describe, expect, it, vi } from "vitest";
import { commandForEvent, executeCommand, getCommands, registerCommand } from "./commands";

describe("command registry", () => {
  it("registers, lists sorted by label, runs and unregisters", async () => {
    const run = vi.fn();
    const off = registerCommand({ id: "t.b", title: "Beta", category: "Test", run });
    const offA = registerCommand({ id: "t.a", title: "Alpha", category: "Test", run: () => undefined });
    const ids = getCommands()
      .map((c) => c.id)
      .filter((id) => id.startsWith("t."));
    expect(ids).toEqual(["t.a", "t.b"]);
    await executeCommand("t.b");
    expect(run).toHaveBeenCalledOnce();
    off();
    offA();
    await expect(executeCommand("t.b")).rejects.toThrow(/Unknown command/);
  });

  it("hides commands whose `when` is false and finds commands by key", () => {
    const off = registerCommand({ id: "k.save", title: "Save", keybinding: "Mod+S", run: () => undefined });
    const offHidden = registerCommand({
      id: "k.hidden",
      title: "Hidden",
      keybinding: "Mod+K",
      when: () => false,
      run: () => undefined,
    });
    const ev = { key: "s", code: "KeyS", ctrlKey: true, metaKey: false, shiftKey: false, altKey: false };
    expect(commandForEvent(ev, false)?.id).toBe("k.save");
    expect(commandForEvent({ ...ev, key: "k", code: "KeyK" }, false)).toBeUndefined();
    off();
    offHidden();
  });

  it("finds a command by any of its keybindings", () => {
    const off = registerCommand({
      id: "k.palette",
      title: "Show All Commands",
      keybinding: "Mod+Shift+P",
      altKeybindings: ["F1"],
      run: () => undefined,
    });
    const f1 = { key: "F1", code: "F1", ctrlKey: false, metaKey: false, shiftKey: false, altKey: false };
    expect(commandForEvent(f1, false)?.id).toBe("k.palette");
    const shiftP = { key: "P", code: "KeyP", ctrlKey: true, metaKey: false, shiftKey: true, altKey: false };
    expect(commandForEvent(shiftP, false)?.id).toBe("k.palette");
    off();
  });
});
