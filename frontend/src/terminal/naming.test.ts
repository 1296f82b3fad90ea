import { describe, expect, it } from "vitest";
import { exitLine, exitNote, tabLabels } from "./naming";
import { terminalMayRunCommand } from "./install";
import { inputChunks } from "./transport";

describe("tabLabels", () => {
  it("numbers terminals of the same shell in tab order", () => {
    const labels = tabLabels([
      { key: "a", title: "bash" },
      { key: "b", title: "zsh" },
      { key: "c", title: "bash" },
      { key: "d", title: "bash" },
    ]);
    expect([...labels.values()]).toEqual(["bash", "zsh", "bash (2)", "bash (3)"]);
  });

  it("names a terminal without a title yet", () => {
    expect(tabLabels([{ key: "a", title: "" }]).get("a")).toBe("terminal");
  });
});

describe("exitLine", () => {
  it("says the exit code, or the signal", () => {
    expect(exitLine(0, null)).toBe("[process exited with code 0]");
    expect(exitLine(null, "SIGKILL")).toBe("[process terminated by signal SIGKILL]");
    expect(exitLine(null, null)).toBe("[process exited]");
  });

  it("says why when Pairpad ended the terminal", () => {
    expect(exitNote(null, "SIGHUP", "closed")).toBe("[terminal closed]");
    expect(exitNote(null, "SIGHUP", "abandoned")).toBe("[terminal ended: no page held it]");
    expect(exitNote(null, "SIGHUP", "server stopping")).toBe("[terminal ended: server stopping]");
    expect(exitNote(2, null, null)).toBe("[process exited with code 2]");
  });
});

describe("keys inside a focused terminal", () => {
  it("leaves editing keys to the shell and keeps the workbench's navigation keys", () => {
    expect(terminalMayRunCommand("workbench.action.quickOpen")).toBe(true);
    expect(terminalMayRunCommand("workbench.action.togglePanel")).toBe(true);
    expect(terminalMayRunCommand("workbench.action.terminal.new")).toBe(true);
    expect(terminalMayRunCommand("workbench.action.files.save")).toBe(false);
    expect(terminalMayRunCommand("workbench.action.gotoLine")).toBe(false);
    expect(terminalMayRunCommand("actions.find")).toBe(false);
  });
});

describe("inputChunks", () => {
  it("splits a big paste without cutting a surrogate pair", () => {
    expect(inputChunks("abcdef", 4)).toEqual(["abcd", "ef"]);
    expect(inputChunks("abc😀d", 4)).toEqual(["abc", "😀d"]);
    expect(inputChunks("", 4)).toEqual([]);
  });
});
