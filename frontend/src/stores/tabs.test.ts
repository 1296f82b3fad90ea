import { beforeEach, describe, expect, it } from "vitest";
import { activeTab, defineTabKind, openFilePaths, removeTab, snapshotOf, useTabs } from "./tabs";

// The kinds as the editor and settings features contribute them (workbench registry).
defineTabKind("file", { fileBacked: true, persistent: true });
defineTabKind("diff", { fileBacked: true, persistent: false });
defineTabKind("settings", { fileBacked: false, persistent: true });
defineTabKind("proposal", { fileBacked: false, persistent: false });

const file = (path: string) => ({ kind: "file" as const, path });
const state = () => useTabs.getState();
const group = (i = 0) => state().groups[i];
const paths = (i = 0) => group(i).tabs.map((t) => `${t.path}${t.preview ? "*" : ""}`);

describe("tabs store", () => {
  beforeEach(() => state().reset());

  it("replaces the preview tab with the next preview, in place", () => {
    state().open(file("a.py"));
    state().open(file("b.py"), { preview: true });
    state().open(file("c.py"));
    state().activate(group().id, "file:b.py");
    state().open(file("d.py"), { preview: true });
    expect(paths()).toEqual(["a.py", "d.py*", "c.py"]);
    expect(group().activeTabId).toBe("file:d.py");
  });

  it("pins a preview when opened again without preview, never un-pins", () => {
    state().open(file("a.py"), { preview: true });
    state().open(file("a.py"), { preview: true });
    expect(paths()).toEqual(["a.py*"]);
    state().open(file("a.py"));
    expect(paths()).toEqual(["a.py"]);
    state().open(file("a.py"), { preview: true });
    expect(paths()).toEqual(["a.py"]);
  });

  it("pins by path when the buffer is edited", () => {
    state().open(file("a.py"), { preview: true });
    state().pinPath("a.py");
    state().open(file("b.py"), { preview: true });
    expect(paths()).toEqual(["a.py", "b.py*"]);
  });

  it("opens new tabs to the right of the active one", () => {
    state().open(file("a"));
    state().open(file("b"));
    state().activate(group().id, "file:a");
    state().open(file("c"));
    expect(paths()).toEqual(["a", "c", "b"]);
  });

  it("activates the right neighbour on close, else the left", () => {
    ["a", "b", "c"].forEach((p) => state().open(file(p)));
    state().activate(group().id, "file:b");
    state().close(group().id, "file:b");
    expect(group().activeTabId).toBe("file:c");
    state().close(group().id, "file:c");
    expect(group().activeTabId).toBe("file:a");
    state().close(group().id, "file:a");
    expect(group().activeTabId).toBeNull();
  });

  it("splits into a second group holding the active file, at most two groups", () => {
    state().open(file("a"));
    state().split();
    expect(state().groups).toHaveLength(2);
    expect(paths(1)).toEqual(["a"]);
    expect(state().activeGroupId).toBe(group(1).id);
    state().open(file("b"));
    state().split(); // already split: carries b into the other group and focuses it
    expect(state().groups).toHaveLength(2);
    expect(paths(0)).toEqual(["a", "b"]);
    expect(state().activeGroupId).toBe(group(0).id);
  });

  it("removes an emptied second group", () => {
    state().open(file("a"));
    state().split();
    state().close(group(1).id, "file:a");
    expect(state().groups).toHaveLength(1);
    expect(state().activeGroupId).toBe(group(0).id);
    expect(openFilePaths(state())).toEqual(new Set(["a"]));
  });

  it("renames tabs under a moved folder and keeps the active tab", () => {
    state().open(file("src/x.ts"));
    state().open(file("other.ts"));
    state().activate(group().id, "file:src/x.ts");
    state().renamePath((p) => (p.startsWith("src/") ? `lib/${p.slice(4)}` : p));
    expect(paths()).toEqual(["lib/x.ts", "other.ts"]);
    expect(group().activeTabId).toBe("file:lib/x.ts");
  });

  it("closes every tab of a path across groups", () => {
    state().open(file("a"));
    state().split();
    state().closePath("a");
    expect(openFilePaths(state()).size).toBe(0);
  });

  it("snapshots only restorable tabs and fixes the active id", () => {
    state().open(file("a"));
    state().open({ kind: "proposal", path: "p1" });
    const snap = snapshotOf(state());
    expect(snap.groups[0].tabs.map((t) => t.id)).toEqual(["file:a"]);
    expect(snap.groups[0].activeTabId).toBe("file:a");
    state().reset();
    state().restore(snap);
    expect(activeTab(state()).tab?.path).toBe("a");
  });

  it("removeTab leaves a group untouched for an unknown id", () => {
    const g = { id: "g", tabs: [], activeTabId: null };
    expect(removeTab(g, "nope")).toBe(g);
  });
});
