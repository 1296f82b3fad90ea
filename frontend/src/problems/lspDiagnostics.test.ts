import { beforeEach, describe, expect, it } from "vitest";
import { fromLspDiagnostics, lspOwner } from "./lspDiagnostics";
import { groupProblems, mergeProblems } from "./model";
import { useProblems } from "./problemsStore";

const range = (line: number, start: number, end: number) => ({
  start: { line, character: start },
  end: { line, character: end },
});

describe("language server diagnostics", () => {
  beforeEach(() => useProblems.setState({ sources: {}, lsp: {}, editorMarkers: [] }));

  it("become 1-based problems; hints are dropped; no severity is an error", () => {
    const problems = fromLspDiagnostics({
      path: "pkg/a.py",
      server: "basedpyright",
      diagnostics: [
        {
          range: range(2, 4, 9),
          severity: 1,
          message: 'Type "str" is not assignable',
          source: "basedpyright",
          code: "reportAssignmentType",
        },
        { range: range(0, 7, 9), severity: 2, message: "`os` imported but unused", source: "Ruff", code: "F401" },
        { range: range(5, 0, 3), severity: 4, message: "x is not accessed" },
        { range: range(6, 0, 1), message: "no severity", code: 7 },
      ],
    });
    expect(problems).toEqual([
      {
        path: "pkg/a.py",
        line: 3,
        column: 5,
        end_line: 3,
        end_column: 10,
        severity: "error",
        message: 'Type "str" is not assignable',
        tool: "basedpyright",
        code: "reportAssignmentType",
      },
      expect.objectContaining({ line: 1, column: 8, severity: "warning", tool: "Ruff", code: "F401" }),
      expect.objectContaining({ line: 7, severity: "error", tool: "basedpyright", code: "7" }),
    ]);
  });

  it("the store keeps each server's list per file; an empty list clears the file; a crash clears the server", () => {
    const store = useProblems.getState();
    const [p] = fromLspDiagnostics({
      path: "a.py",
      server: "ruff",
      diagnostics: [{ range: range(0, 0, 1), message: "m" }],
    });
    store.setLspDiagnostics("ruff", "a.py", [p]);
    store.setLspDiagnostics("ruff", "b.py", [{ ...p, path: "b.py" }]);
    store.setLspDiagnostics("basedpyright", "a.py", [{ ...p, message: "other" }]);
    expect(Object.keys(useProblems.getState().lsp.ruff)).toEqual(["a.py", "b.py"]);
    useProblems.getState().setLspDiagnostics("ruff", "a.py", []);
    expect(Object.keys(useProblems.getState().lsp.ruff)).toEqual(["b.py"]);
    const before = useProblems.getState().lsp;
    useProblems.getState().setLspDiagnostics("ruff", "never.py", []);
    expect(useProblems.getState().lsp).toBe(before);
    // An unchanged list again changes nothing (no marker churn).
    useProblems.getState().setLspDiagnostics("ruff", "b.py", [{ ...p, path: "b.py" }]);
    expect(useProblems.getState().lsp).toBe(before);
    useProblems.getState().clearLspServer("ruff");
    expect(Object.keys(useProblems.getState().lsp)).toEqual(["basedpyright"]);
  });

  it("merge with the tasks' problems and Monaco's markers; the same problem twice shows once", () => {
    const [fromServer] = fromLspDiagnostics({
      path: "a.py",
      server: "ruff",
      diagnostics: [
        {
          range: range(0, 7, 9),
          severity: 2,
          message: "`os` imported but unused\n\nhelp: Remove unused import: `os`",
          code: "F401",
          source: "Ruff",
        },
      ],
    });
    // ruff's command line (the lint task) prints no "help:" line: still the same problem.
    const fromTask = {
      ...fromServer,
      message: "`os` imported but unused",
      end_line: null,
      end_column: null,
      tool: "ruff",
    };
    const jsonMarker = {
      path: "conf.json",
      line: 2,
      column: 3,
      endLine: 2,
      endColumn: 4,
      severity: "error" as const,
      message: "Expected comma",
      code: "514",
      tool: "json",
      owner: "json",
    };
    const items = mergeProblems({ "task:lint": [fromTask] }, { ruff: { "a.py": [fromServer] } }, [jsonMarker]);
    expect(items.map((i) => i.owner)).toEqual(["task:lint", lspOwner("ruff"), "json"]);
    const groups = groupProblems(items);
    expect(groups.map((g) => [g.path, g.items.length])).toEqual([
      ["conf.json", 1],
      ["a.py", 1],
    ]);
    expect(groups[1].items[0].owner).toBe("task:lint");
  });
});
