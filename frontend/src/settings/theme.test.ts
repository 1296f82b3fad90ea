import { describe, expect, it, vi } from "vitest";

vi.mock("../editor/monacoSetup", () => ({ monaco: { editor: { setTheme: vi.fn() } } }));

const { resolveTheme } = await import("./theme");

describe("theme", () => {
  it("follows the OS only when set to system", () => {
    expect(resolveTheme("system", true)).toBe("dark");
    expect(resolveTheme("system", false)).toBe("light");
    expect(resolveTheme("dark", false)).toBe("dark");
    expect(resolveTheme("light", true)).toBe("light");
  });
});
