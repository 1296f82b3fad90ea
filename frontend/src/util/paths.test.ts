import { describe, expect, it } from "vitest";
import { ancestors, basename, dirname, extname, isSameOrDescendant, joinPath, rebasePath, validateName } from "./paths";

describe("path helpers", () => {
  it("splits names and folders", () => {
    expect(basename("a/b/c.py")).toBe("c.py");
    expect(basename("c.py")).toBe("c.py");
    expect(dirname("a/b/c.py")).toBe("a/b");
    expect(dirname("c.py")).toBe("");
    expect(joinPath("", "x")).toBe("x");
    expect(joinPath("a/", "/x")).toBe("a/x");
    expect(extname("a/B.TSX")).toBe("tsx");
    expect(extname(".gitignore")).toBe("");
  });

  it("knows descendants without prefix confusion", () => {
    expect(isSameOrDescendant("src/a", "src")).toBe(true);
    expect(isSameOrDescendant("src", "src")).toBe(true);
    expect(isSameOrDescendant("srcx/a", "src")).toBe(false);
    expect(isSameOrDescendant("anything", "")).toBe(true);
  });

  it("rebases moved paths", () => {
    expect(rebasePath("src/a.ts", "src", "lib")).toBe("lib/a.ts");
    expect(rebasePath("src", "src", "lib")).toBe("lib");
    expect(rebasePath("srcx/a.ts", "src", "lib")).toBe("srcx/a.ts");
  });

  it("validates typed names", () => {
    expect(validateName("ok.py")).toBeNull();
    expect(validateName("sub/ok.py")).toBeNull();
    expect(validateName("  ")).toMatch(/must be provided/);
    expect(validateName("..")).toMatch(/not valid/);
    expect(validateName("a/../b")).toMatch(/segments/);
    expect(validateName("/abs")).toMatch(/relative/);
  });

  it("lists ancestors root first", () => {
    expect(ancestors("a/b/c.txt")).toEqual(["", "a", "a/b"]);
    expect(ancestors("c.txt")).toEqual([""]);
  });
});
