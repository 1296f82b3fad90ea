import { describe, expect, it } from "vitest";
import {
  describeReason,
  describeStatus,
  diffLineKind,
  diffStat,
  formatTokens,
  shellQuote,
  summarizeArgs,
  toolLabel,
  usageText,
} from "./describe";

describe("describeReason", () => {
  it("says each way a run ends in words, with a tone", () => {
    expect(describeReason("completed")).toEqual({ tone: "ok", text: "Completed: the agent finished the task." });
    expect(describeReason("max_steps").text).toMatch(/step limit/);
    expect(describeReason("max_tokens").text).toMatch(/token budget/);
    expect(describeReason("loop").text).toMatch(/same tool call/);
    expect(describeReason("cancelled").text).toMatch(/^Cancelled/);
    expect(describeReason("interrupted").text).toMatch(/^Interrupted: Pairpad stopped/);
    expect(describeReason("error: no decision")).toEqual({ tone: "error", text: "Failed: no decision" });
    expect(describeReason(null).text).toBe("Finished.");
  });
});

describe("describeStatus", () => {
  it("reads a run's status and reason", () => {
    expect(describeStatus({ status: "waiting", reason: null }).text).toBe("waiting for your approval");
    expect(describeStatus({ status: "finished", reason: "completed" })).toEqual({ tone: "ok", text: "completed" });
    expect(describeStatus({ status: "finished", reason: "max_steps" }).text).toBe("max steps");
    expect(describeStatus({ status: "finished", reason: "error: boom" })).toEqual({
      tone: "error",
      text: "failed: boom",
    });
  });
});

describe("summarizeArgs", () => {
  it("shows a command as a shell would need it typed", () => {
    expect(summarizeArgs("run_command", { argv: ["python", "-c", "print(42)"] })).toBe("python -c 'print(42)'");
    expect(shellQuote("it's")).toBe(`'it'"'"'s'`);
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("src/a.py")).toBe("src/a.py");
  });

  it("shows the path, range or query of the file tools", () => {
    expect(summarizeArgs("read_file", { path: "a.py", start_line: 3, end_line: 9 })).toBe("a.py (lines 3–9)");
    expect(summarizeArgs("read_file", { path: "a.py" })).toBe("a.py");
    expect(summarizeArgs("edit_file", { path: "b.py", old_text: "x", new_text: "y" })).toBe("b.py");
    expect(summarizeArgs("search_text", { query: "TODO", glob: "*.py" })).toBe("“TODO” in *.py");
    expect(summarizeArgs("list_files", {})).toBe(".");
    expect(summarizeArgs("repo_map", {})).toBe("");
  });

  it("cuts an unknown tool's JSON", () => {
    const text = summarizeArgs("mcp__git__log", { q: "x".repeat(300) });
    expect(text.length).toBe(120);
    expect(text.endsWith("…")).toBe(true);
    expect(toolLabel("mcp__git__log")).toBe("git: log");
    expect(toolLabel("read_file")).toBe("read_file");
  });
});

describe("diffs and tokens", () => {
  it("classifies unified diff lines and counts them", () => {
    const diff = "--- a/a.py\n+++ b/a.py\n@@ -1,2 +1,2 @@\n ctx\n-old\n+new\n+more\n";
    expect(diff.split("\n").slice(0, 7).map(diffLineKind)).toEqual([
      "meta",
      "meta",
      "hunk",
      "ctx",
      "del",
      "add",
      "add",
    ]);
    expect(diffStat(diff)).toEqual({ added: 2, removed: 1 });
  });

  it("shortens token counts", () => {
    expect(formatTokens(950)).toBe("950");
    expect(formatTokens(1234)).toBe("1.2k");
    expect(formatTokens(45_600)).toBe("46k");
    expect(usageText({ input_tokens: 1200, output_tokens: 30 })).toBe("1.2k in · 30 out");
    expect(usageText({ input_tokens: 5, output_tokens: 3, estimated: true })).toBe("~5 in · ~3 out");
    expect(usageText(null)).toBe("");
  });
});
