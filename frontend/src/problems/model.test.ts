import { describe, expect, it } from "vitest";
import { countProblems, fromTaskProblem, groupProblems, toolLabel, type Problem, type ProblemItem } from "./model";

const problem = (over: Partial<Problem>): Problem => ({
  path: "a.py",
  line: 1,
  column: 1,
  severity: "error",
  message: "boom",
  tool: "pytest",
  ...over,
});
const item = (over: Partial<Problem>, owner = "task:test"): ProblemItem => fromTaskProblem(owner, problem(over));

describe("groupProblems", () => {
  it("groups by file: files with errors first, then by path; rows by line, column, severity", () => {
    const groups = groupProblems([
      item({ path: "z.py", line: 9, severity: "error" }),
      item({ path: "b.py", line: 3, severity: "warning" }),
      item({ path: "z.py", line: 2, column: 5, severity: "warning" }),
      item({ path: "z.py", line: 2, column: 5, severity: "error", message: "other" }),
      item({ path: "a.py", line: 1, severity: "warning" }),
    ]);
    expect(groups.map((g) => g.path)).toEqual(["z.py", "a.py", "b.py"]);
    expect(groups[0].items.map((i) => [i.line, i.severity])).toEqual([
      [2, "error"],
      [2, "warning"],
      [9, "error"],
    ]);
    expect(groups[0]).toMatchObject({ errors: 2, warnings: 1 });
  });

  it("shows the same problem once, whoever reported it; a different message at the spot is another row", () => {
    const groups = groupProblems([item({}), item({}), item({}, "lsp:ruff"), item({ message: "other" }, "task:lint")]);
    expect(groups[0].items.map((i) => [i.owner, i.message])).toEqual([
      ["task:test", "boom"],
      ["task:lint", "other"],
    ]);
  });

  it("filters on every word of the filter, in message, path, tool and code", () => {
    const items = [
      item({ path: "src/app.py", message: "unused import os", tool: "ruff", code: "F401" }),
      item({ path: "tests/test_app.py", message: "assert 1 == 2" }),
    ];
    expect(groupProblems(items, "F401").map((g) => g.path)).toEqual(["src/app.py"]);
    expect(groupProblems(items, "TESTS assert").map((g) => g.path)).toEqual(["tests/test_app.py"]);
    expect(groupProblems(items, "ruff assert")).toEqual([]);
    expect(groupProblems(items, "  ")).toHaveLength(2);
  });
});

describe("counts and labels", () => {
  it("counts by severity", () => {
    expect(countProblems([item({}), item({ severity: "warning" }), item({ severity: "info" }), item({})])).toEqual({
      errors: 2,
      warnings: 1,
      infos: 1,
    });
  });

  it("labels the tool with its code", () => {
    expect(toolLabel(item({ tool: "ruff", code: "F401" }))).toBe("ruff(F401)");
    expect(toolLabel(item({ tool: "pytest", code: null }))).toBe("pytest");
  });
});
