import { describe, expect, it } from "vitest";
import {
  applyTextEdits,
  changesNothing,
  isWorkspacePath,
  linesOf,
  offsetAt,
  previewLines,
  splitByBuffer,
  toLspPosition,
  toLspRange,
  toMonacoPosition,
  toMonacoRange,
  workspaceEditFiles,
} from "./convert";
import { rangesTouch } from "./diagnosticsStore";
import { hoverContents } from "./markdown";

const r = (sl: number, sc: number, el: number, ec: number) => ({
  start: { line: sl, character: sc },
  end: { line: el, character: ec },
});

describe("positions", () => {
  it("LSP is 0-based, Monaco 1-based, both ways", () => {
    expect(toLspPosition({ lineNumber: 1, column: 1 })).toEqual({ line: 0, character: 0 });
    expect(toMonacoPosition({ line: 4, character: 7 })).toEqual({ lineNumber: 5, column: 8 });
    const monacoRange = { startLineNumber: 2, startColumn: 3, endLineNumber: 4, endColumn: 5 };
    expect(toMonacoRange(toLspRange(monacoRange))).toEqual(monacoRange);
  });

  it("counts UTF-16 code units on both sides: an emoji is two characters and two columns", () => {
    const text = "s = '😀' + name";
    const lines = linesOf(text);
    // `name` starts at UTF-16 offset 11 (the emoji takes two code units).
    const character = text.indexOf("name");
    expect(character).toBe(11);
    expect(toMonacoPosition({ line: 0, character }, lines)).toEqual({ lineNumber: 1, column: 12 });
    expect(text.slice(toMonacoPosition({ line: 0, character }).column - 1)).toBe("name");
    expect(offsetAt(text, { line: 0, character })).toBe(11);
  });

  it("clamps past the end of a line and past the last line to the document's end", () => {
    const lines = linesOf("ab\ncdef");
    expect(toMonacoPosition({ line: 0, character: 99 }, lines)).toEqual({ lineNumber: 1, column: 3 });
    expect(toMonacoPosition({ line: 2, character: 0 }, lines)).toEqual({ lineNumber: 2, column: 5 });
    expect(toMonacoRange(r(0, 0, 5, 0), lines)).toEqual({
      startLineNumber: 1,
      startColumn: 1,
      endLineNumber: 2,
      endColumn: 5,
    });
    expect(toLspPosition({ lineNumber: 0, column: 0 })).toEqual({ line: 0, character: 0 });
  });

  it("finds offsets across \\n, \\r\\n and \\r line ends", () => {
    expect(offsetAt("a\r\nbc\rd", { line: 1, character: 1 })).toBe(4);
    expect(offsetAt("a\r\nbc\rd", { line: 2, character: 0 })).toBe(6);
    expect(offsetAt("a\nb", { line: 9, character: 0 })).toBe(3);
  });
});

describe("text edits", () => {
  it("applies edits given in any order, against the original positions", () => {
    const text = "import os\nx = foo(1)\ny = foo(2)\n";
    const edits = [
      { range: r(2, 4, 2, 7), newText: "bar" },
      { range: r(1, 4, 1, 7), newText: "bar" },
      { range: r(0, 0, 1, 0), newText: "" },
    ];
    expect(applyTextEdits(text, edits)).toBe("x = bar(1)\ny = bar(2)\n");
  });

  it("keeps the given order of inserts at the same position", () => {
    const edits = [
      { range: r(0, 0, 0, 0), newText: "a" },
      { range: r(0, 0, 0, 0), newText: "b" },
    ];
    expect(applyTextEdits("!", edits)).toBe("ab!");
  });

  it("a formatter's whole-document edit replaces everything", () => {
    expect(applyTextEdits("x=1\n", [{ range: r(0, 0, 1, 0), newText: "x = 1\n" }])).toBe("x = 1\n");
  });
});

describe("WorkspaceEdit -> per-file edits", () => {
  const edit = {
    changes: {
      "pkg/util.py": [
        { range: r(3, 4, 3, 7), newText: "total" },
        { range: r(0, 4, 0, 7), newText: "total" },
      ],
      "main.py": [{ range: r(1, 0, 1, 3), newText: "total" }],
      "empty.py": [],
    },
  };

  it("lists files by path, edits in document order, without empty files", () => {
    const files = workspaceEditFiles(edit);
    expect(files.map((f) => f.path)).toEqual(["main.py", "pkg/util.py"]);
    expect(files[1].edits.map((e) => e.range.start.line)).toEqual([0, 3]);
    expect(workspaceEditFiles(null)).toEqual([]);
    expect(workspaceEditFiles({})).toEqual([]);
  });

  it("previews each changed line before and after", () => {
    const text = "def add(a, b):\n    return a + b\n\nx = add(1, 2) + add(3, 4)\n";
    const edits = [
      { range: r(0, 4, 0, 7), newText: "plus" },
      { range: r(3, 4, 3, 7), newText: "plus" },
      { range: r(3, 16, 3, 19), newText: "plus" },
    ];
    expect(previewLines(text, edits)).toEqual([
      { line: 1, before: "def add(a, b):", after: "def plus(a, b):" },
      { line: 4, before: "x = add(1, 2) + add(3, 4)", after: "x = plus(1, 2) + plus(3, 4)" },
    ]);
  });

  it("files with unsaved edits are edited in their buffer, the others on disk", () => {
    const files = workspaceEditFiles(edit);
    const { inBuffers, onDisk } = splitByBuffer(files, (p) => p === "main.py");
    expect(inBuffers.map((f) => f.path)).toEqual(["main.py"]);
    expect(onDisk.map((f) => f.path)).toEqual(["pkg/util.py"]);
  });

  it("only workspace paths are opened (not stubs outside it)", () => {
    expect(isWorkspacePath("pkg/a.py")).toBe(true);
    expect(isWorkspacePath("/usr/lib/python3.12/os.py")).toBe(false);
    expect(isWorkspacePath("file:///x.py")).toBe(false);
    expect(isWorkspacePath("../outside.py")).toBe(false);
  });
});

it("ranges touch when they overlap or meet (a cursor at a diagnostic's end)", () => {
  expect(rangesTouch(r(1, 0, 1, 5), r(1, 5, 1, 5))).toBe(true);
  expect(rangesTouch(r(1, 0, 1, 5), r(1, 6, 1, 6))).toBe(false);
  expect(rangesTouch(r(0, 0, 9, 0), r(3, 2, 3, 2))).toBe(true);
});

it("hover contents of every LSP shape become markdown", () => {
  expect(hoverContents({ contents: { kind: "markdown", value: "**x**" } })).toEqual([{ value: "**x**" }]);
  expect(hoverContents({ contents: { kind: "plaintext", value: "a_b" } })).toEqual([{ value: "a\\_b" }]);
  expect(hoverContents({ contents: [{ language: "python", value: "x: int" }, "", "doc"] })).toEqual([
    { value: "```python\nx: int\n```" },
    { value: "doc" },
  ]);
  expect(hoverContents(null)).toEqual([]);
});

describe("changesNothing", () => {
  const edit = { changes: { "a.ts": [{ range: r(0, 0, 0, 1), newText: "" }] } };
  it("an action without an edit, a command or data to resolve changes nothing", () => {
    expect(changesNothing({ title: "Add all missing imports", kind: "source.addMissingImports.ts" })).toBe(true);
    expect(changesNothing({ title: "Fix all", edit: { changes: { "a.ts": [] } } })).toBe(true);
    expect(changesNothing({ title: "Fix all", edit: { changes: {} } })).toBe(true);
  });
  it("an edit, a command or resolvable data is something to do", () => {
    expect(changesNothing({ title: "Remove Unused Imports", edit })).toBe(false);
    expect(changesNothing({ title: "Fix all", command: { title: "", command: "ruff.applyAutofix" } })).toBe(false);
    expect(changesNothing({ title: "Fix", data: { id: 1 } })).toBe(false);
  });
});
