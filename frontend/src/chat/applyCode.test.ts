import { describe, expect, it } from "vitest";
import { languageFor, offsetOf, proposeContent } from "./applyCode";

describe("applyCode", () => {
  const file = "def add(a, b):\n    return a - b\n";

  it("finds offsets by line and column", () => {
    expect(offsetOf(file, 1, 1)).toBe(0);
    expect(offsetOf(file, 2, 5)).toBe(file.indexOf("return"));
    expect(offsetOf(file, 9, 1)).toBe(file.length);
  });

  it("replaces the selection only", () => {
    const sel = { startLine: 2, startColumn: 5, endLine: 2, endColumn: 17 };
    expect(proposeContent(file, "return a + b", sel)).toBe("def add(a, b):\n    return a + b\n");
  });

  it("replaces the whole file without a selection, keeping the final newline", () => {
    expect(proposeContent(file, "x = 1", null)).toBe("x = 1\n");
  });

  it("maps fence names to Monaco languages", () => {
    const known = [{ id: "python", aliases: ["Python", "py"] }, { id: "shell", aliases: ["sh"] }];
    expect(languageFor("py", known)).toBe("python");
    expect(languageFor("bash", known)).toBe("shell");
    expect(languageFor("", known)).toBe("plaintext");
    expect(languageFor("cobol", known)).toBe("plaintext");
  });
});
