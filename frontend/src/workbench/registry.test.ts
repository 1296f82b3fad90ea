import { describe, expect, it, vi } from "vitest";
import type { ServerEvents } from "../api/schema";
import { useCommandRegistry } from "./commands";
import { WorkbenchRegistry, type SocketLike } from "./registry";

const View = () => null;

describe("workbench registry", () => {
  it("rejects a second contribution with the same id, per contribution point", () => {
    const wb = new WorkbenchRegistry();
    wb.sideView({ id: "files", title: "Files", icon: View, order: 1, component: View });
    expect(() => wb.sideView({ id: "files", title: "Other", icon: View, order: 2, component: View })).toThrow(
      /Duplicate sideViews contribution: files/,
    );
    wb.tabKind({ kind: "doc", component: View, useInfo: () => ({ title: "Doc", icon: null }) });
    expect(() => wb.tabKind({ kind: "doc", component: View, useInfo: () => ({ title: "Doc", icon: null }) })).toThrow(
      /Duplicate tabKinds/,
    );
    wb.command({ id: "x.run", title: "Run", run: () => undefined });
    expect(() => wb.command({ id: "x.run", title: "Run again", run: () => undefined })).toThrow(/Duplicate commands/);
    wb.statusBarItem({ id: "s", alignment: "left", order: 1, component: View });
    expect(() => wb.statusBarItem({ id: "s", alignment: "right", order: 2, component: View })).toThrow(
      /Duplicate statusBarItems/,
    );
    wb.socketHandler("h", "fs:changed", () => undefined);
    expect(() => wb.socketHandler("h", "index:progress", () => undefined)).toThrow(/Duplicate socketHandlers/);
    // The same id on another point is a different contribution.
    wb.host({ id: "files", component: View });
    expect(wb.get("sideViews").map((v) => v.title)).toEqual(["Files"]);
  });

  it("lists contributions by their order, and tells subscribers about new ones", () => {
    const wb = new WorkbenchRegistry();
    const listener = vi.fn();
    wb.subscribe(listener);
    wb.statusBarItem({ id: "b", alignment: "left", order: 20, component: View });
    wb.statusBarItem({ id: "a", alignment: "left", order: 10, component: View });
    expect(wb.get("statusBarItems").map((i) => i.id)).toEqual(["a", "b"]);
    expect(listener).toHaveBeenCalledTimes(2);
    expect(wb.getVersion()).toBe(2);
  });

  it("starts once: providers registered, socket handlers attached in order, activations run", () => {
    const wb = new WorkbenchRegistry();
    const calls: string[] = [];
    wb.monacoProvider({ id: "p", register: () => calls.push("provider") });
    wb.socketHandler("one", "fs:changed", (p) => calls.push(`one ${p.changes.length}`));
    wb.socketHandler("two", "fs:changed", (p) => calls.push(`two ${p.changes.length}`));
    wb.activation({ id: "a", run: () => calls.push("activated") });
    const handlers: [string, (payload: never) => void][] = [];
    const socket: SocketLike = { on: (event, handler) => handlers.push([event, handler]) };
    wb.start(socket);
    wb.start(socket);
    expect(calls).toEqual(["provider", "activated"]);
    const payload: ServerEvents["fs:changed"] = { changes: [{ type: "added", path: "a.py" }] };
    for (const [, handler] of handlers) (handler as (p: ServerEvents["fs:changed"]) => void)(payload);
    expect(handlers.map(([event]) => event)).toEqual(["fs:changed", "fs:changed"]);
    expect(calls.slice(2)).toEqual(["one 1", "two 1"]);
  });

  it("runs every resync contribution", () => {
    const wb = new WorkbenchRegistry();
    const run = vi.fn();
    wb.resync({ id: "r1", run });
    wb.resync({ id: "r2", run });
    wb.resyncAll();
    expect(run).toHaveBeenCalledTimes(2);
  });

  it("the app's registry puts commands in the command registry; a test registry does not", () => {
    const wb = new WorkbenchRegistry();
    wb.command({ id: "test.isolated", title: "Isolated", run: () => undefined });
    expect(useCommandRegistry.getState().commands["test.isolated"]).toBeUndefined();
    const wired = new WorkbenchRegistry(true);
    wired.command({ id: "test.wired", title: "Wired", run: () => undefined });
    expect(useCommandRegistry.getState().commands["test.wired"]?.title).toBe("Wired");
  });
});
