// @vitest-environment jsdom
import { beforeEach, describe, expect, it, vi } from "vitest";

const KEY = "pairpad.explorer.expanded";

async function freshStore() {
  vi.resetModules();
  return (await import("./explorerStore")).useExplorer;
}

describe("explorer store", () => {
  beforeEach(() => localStorage.clear());

  it("reveal expands the file's folders, selects it and asks for a scroll", async () => {
    const store = await freshStore();
    store.getState().expand("docs");
    store.getState().reveal("shop/api/orders.py");
    const s = store.getState();
    expect([...s.expanded].sort()).toEqual(["docs", "shop", "shop/api"]);
    expect(s.selected).toBe("shop/api/orders.py");
    expect(s.revealing).toBe("shop/api/orders.py");
    s.revealed();
    expect(store.getState().revealing).toBeNull();
  });

  it("keeps expanded folders across a reload", async () => {
    const first = await freshStore();
    first.getState().expand("shop");
    first.getState().expand("web");
    first.getState().collapse("web");
    expect(JSON.parse(localStorage.getItem(KEY)!)).toEqual(["shop"]);
    const reloaded = await freshStore();
    expect([...reloaded.getState().expanded]).toEqual(["shop"]);
  });

  it("starts collapsed when the saved state is unreadable", async () => {
    localStorage.setItem(KEY, "{oops");
    expect((await freshStore()).getState().expanded.size).toBe(0);
  });
});
