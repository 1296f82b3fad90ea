import { describe, expect, it } from "vitest";
import { applyTarget, engineText, fenceLanguage, languageFor, lineBefore } from "./applyCode";

describe("applyCode", () => {
  it("fences a block again for the engine with its language only (the path goes apart)", () => {
    expect(engineText("python:shop/orders.py", "x = 1")).toBe("```python\nx = 1\n```\n");
    expect(engineText("shop/orders.py", "x = 1\n")).toBe("```py\nx = 1\n```\n");
    expect(engineText("", "a\n")).toBe("```\na\n```\n");
  });

  it("keeps SEARCH/REPLACE blocks and their path line as written", () => {
    const block = "shop/orders.py\n<<<<<<< SEARCH\nVAT_RATE = 0.2\n=======\nVAT_RATE = 0.25\n>>>>>>> REPLACE\n";
    expect(engineText("python", block)).toBe(`\`\`\`python\n${block}\`\`\`\n`);
  });

  it("fences a block that itself holds a fence with a longer one", () => {
    expect(engineText("markdown", "# T\n```sh\nls\n```\n")).toBe("````markdown\n# T\n```sh\nls\n```\n````\n");
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
