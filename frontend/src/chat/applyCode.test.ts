import { describe, expect, it } from "vitest";
import { applyTarget, fenceLanguage, languageFor, lineBefore, offsetOf, proposeContent } from "./applyCode";

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
    const known = [
      { id: "python", aliases: ["Python", "py"] },
      { id: "shell", aliases: ["sh"] },
    ];
    expect(languageFor("py", known)).toBe("python");
    expect(languageFor("bash", known)).toBe("shell");
    expect(languageFor("", known)).toBe("plaintext");
    expect(languageFor("cobol", known)).toBe("plaintext");
  });
});

describe("which file Apply targets", () => {
  const base = { lang: "python", meta: "", before: "", contextPaths: [] as string[], activePath: "web/cart.ts" };

  it("takes the file the fence names, in any of its usual forms", () => {
    expect(applyTarget({ ...base, meta: "shop/orders.py" })).toEqual({ path: "shop/orders.py", reason: "fence" });
    expect(applyTarget({ ...base, lang: "python:shop/orders.py" })?.path).toBe("shop/orders.py");
    expect(applyTarget({ ...base, lang: "shop/orders.py" })?.path).toBe("shop/orders.py");
    expect(applyTarget({ ...base, meta: 'title="shop/orders.py"' })?.path).toBe("shop/orders.py");
    expect(applyTarget({ ...base, meta: "./shop/orders.py" })?.path).toBe("shop/orders.py");
  });

  it("takes a path named on the line before the block", () => {
    expect(applyTarget({ ...base, before: "Here is the updated `shop/orders.py`:" })).toEqual({
      path: "shop/orders.py",
      reason: "line",
    });
    expect(applyTarget({ ...base, before: "In **shop/inventory.py**, change:" })?.path).toBe("shop/inventory.py");
    expect(applyTarget({ ...base, before: "Change shop/orders.py like this:" })?.path).toBe("shop/orders.py");
  });

  it("resolves a bare file name against the question's context", () => {
    const ctx = { ...base, contextPaths: ["shop/orders.py", "README.md"] };
    expect(applyTarget({ ...ctx, meta: "orders.py" })?.path).toBe("shop/orders.py");
    expect(applyTarget({ ...ctx, before: "Update orders.py:" })?.path).toBe("shop/orders.py");
  });

  it("falls back to the active editor only when no file is named, and says so", () => {
    expect(applyTarget({ ...base, before: "Use this instead, e.g. with 3.11:" })).toEqual({
      path: "web/cart.ts",
      reason: "active",
    });
    expect(applyTarget({ ...base, activePath: null })).toBeNull();
  });

  it("refuses paths outside the workspace and keeps the fence's language", () => {
    expect(applyTarget({ ...base, meta: "../etc/passwd.txt" })?.reason).toBe("active");
    expect(applyTarget({ ...base, meta: "/etc/hosts.txt" })?.reason).toBe("active");
    expect(fenceLanguage("python:shop/orders.py")).toBe("python");
    expect(fenceLanguage("shop/orders.py")).toBe("py");
    expect(fenceLanguage("ts")).toBe("ts");
  });

  it("reads the line just before a block", () => {
    const md = "Intro.\n\nSee `a/b.py`:\n\n```python\nx = 1\n```\n";
    expect(lineBefore(md, md.indexOf("```"))).toBe("See `a/b.py`:");
  });
});
