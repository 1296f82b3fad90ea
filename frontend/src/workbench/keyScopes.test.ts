// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import { registerKeyScope, workbenchMayHandle } from "./keyScopes";

describe("key scopes", () => {
  let remove: () => void = () => undefined;
  afterEach(() => {
    remove();
    document.body.innerHTML = "";
  });

  it("lets a focused widget keep a command's key, and only inside it", () => {
    document.body.innerHTML = '<div class="shell"><textarea></textarea></div><input />';
    remove = registerKeyScope({
      contains: (el) => el.closest(".shell") !== null,
      allows: (id) => id === "palette",
    });
    const inside = document.querySelector("textarea");
    const outside = document.querySelector("input");
    expect(workbenchMayHandle(inside, "save")).toBe(false);
    expect(workbenchMayHandle(inside, "palette")).toBe(true);
    expect(workbenchMayHandle(outside, "save")).toBe(true);
    expect(workbenchMayHandle(window, "save")).toBe(true);
    remove();
    expect(workbenchMayHandle(inside, "save")).toBe(true);
  });
});
