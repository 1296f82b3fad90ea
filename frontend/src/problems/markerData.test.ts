import { describe, expect, it } from "vitest";
import { byPath, fromModelMarker, MARKER_SEVERITY, toMarkerData, type LineBounds } from "./markerData";
import type { Problem } from "./model";

const problem = (over: Partial<Problem>): Problem => ({
  path: "tests/test_a.py",
  line: 4,
  column: 1,
  severity: "error",
  message: "assert 1 == 2",
  tool: "pytest",
  ...over,
});

// A file whose line 4 is "    assert 1 == 2" (text from column 5, max column 18) and has 10 lines.
const bounds: LineBounds = { lineCount: 10, firstColumn: () => 5, maxColumn: () => 18 };

describe("toMarkerData", () => {
  it("underlines the text of a line when the tool named only the line", () => {
    expect(toMarkerData(problem({}), bounds)).toMatchObject({
      severity: MARKER_SEVERITY.error,
      startLineNumber: 4,
      startColumn: 5,
      endLineNumber: 4,
      endColumn: 18,
      source: "pytest",
    });
  });

  it("keeps a column as an empty range (Monaco widens it to the word) and the code", () => {
    const m = toMarkerData(problem({ line: 1, column: 8, severity: "warning", tool: "ruff", code: "F401" }), bounds);
    expect(m).toMatchObject({ startColumn: 8, endColumn: 8, severity: MARKER_SEVERITY.warning, code: "F401" });
  });

  it("uses the tool's end when it gave one, and keeps a line past the end inside the file", () => {
    expect(toMarkerData(problem({ column: 1, end_line: 5, end_column: 3 }), bounds)).toMatchObject({
      startColumn: 1,
      endLineNumber: 5,
      endColumn: 3,
    });
    expect(toMarkerData(problem({ line: 99 }), bounds).startLineNumber).toBe(10);
    expect(toMarkerData(problem({ severity: "info" })).severity).toBe(MARKER_SEVERITY.info);
  });
});

describe("fromModelMarker", () => {
  const marker = {
    owner: "json",
    resource: { scheme: "file", path: "/conf/a.json" },
    severity: MARKER_SEVERITY.error,
    message: "Expected comma",
    startLineNumber: 2,
    startColumn: 3,
    endLineNumber: 2,
    endColumn: 4,
    code: { value: "514" },
  };

  it("turns a file's marker into a row (path without the leading slash, tool from the owner)", () => {
    expect(fromModelMarker(marker)).toEqual({
      path: "conf/a.json",
      line: 2,
      column: 3,
      endLine: 2,
      endColumn: 4,
      severity: "error",
      message: "Expected comma",
      code: "514",
      tool: "json",
      owner: "json",
    });
    expect(fromModelMarker({ ...marker, severity: MARKER_SEVERITY.warning, source: "ts" })).toMatchObject({
      severity: "warning",
      tool: "ts",
    });
  });

  it("skips markers of models that are not workspace files, and hints", () => {
    expect(fromModelMarker({ ...marker, resource: { scheme: "inmemory", path: "/1" } })).toBeNull();
    expect(fromModelMarker({ ...marker, severity: MARKER_SEVERITY.hint })).toBeNull();
  });
});

it("byPath groups a source's problems by file", () => {
  const grouped = byPath([problem({}), problem({ path: "b.py" }), problem({ line: 7 })]);
  expect([...grouped.keys()]).toEqual(["tests/test_a.py", "b.py"]);
  expect(grouped.get("tests/test_a.py")).toHaveLength(2);
});
