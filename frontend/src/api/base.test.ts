import { afterEach, describe, expect, it, vi } from "vitest";
import { isTeamWorkspace, signInUrl, withBase, workspaceBase, workspaceIdOf } from "./base";
import { buildUrl, createApi } from "./http";

describe("workspace base path", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("names the team workspace of /w/{id}/ paths only", () => {
    expect(workspaceIdOf("/w/abc123/")).toBe("abc123");
    expect(workspaceIdOf("/w/abc123")).toBe("abc123");
    expect(workspaceIdOf("/w/abc123/some/deep/path")).toBe("abc123");
    expect(workspaceIdOf("/")).toBeNull();
    expect(workspaceIdOf("/index.html")).toBeNull();
    expect(workspaceIdOf("/w/")).toBeNull();
    expect(workspaceIdOf("/wx/abc/")).toBeNull();
    expect(workspaceBase("/w/abc123/")).toBe("/w/abc123");
    expect(workspaceBase("/")).toBe("");
  });

  it("prefixes API paths with the base, nothing else", () => {
    expect(withBase("/api/files/content", "/w/abc")).toBe("/w/abc/api/files/content");
    expect(withBase("/api/files/content", "")).toBe("/api/files/content");
    expect(withBase("/favicon.svg", "/w/abc")).toBe("/favicon.svg");
    expect(buildUrl("/api/files/content", { path: "a b" }, "/w/abc")).toBe("/w/abc/api/files/content?path=a+b");
    expect(buildUrl("/api/files/content", { path: "a" })).toBe("/api/files/content?path=a");
  });

  it("reads the page's location", () => {
    vi.stubGlobal("location", { pathname: "/w/ws1/", search: "?x=1" });
    expect(isTeamWorkspace()).toBe(true);
    expect(workspaceBase()).toBe("/w/ws1");
    expect(withBase("/api/git/status")).toBe("/w/ws1/api/git/status");
    expect(signInUrl()).toBe("/signin?next=%2Fw%2Fws1%2F%3Fx%3D1");
    vi.stubGlobal("location", { pathname: "/", search: "" });
    expect(isTeamWorkspace()).toBe(false);
    expect(withBase("/api/git/status")).toBe("/api/git/status");
  });

  it("sends every call of a team workspace's API under /w/{id}", async () => {
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) => new Response("{}", { status: 200 }));
    const api = createApi(fetch, () => null, { base: () => "/w/ws1" });
    await api("/api/files/tree", { query: { path: "" } });
    await api("/api/settings", { method: "PUT", body: {} });
    expect(fetch.mock.calls.map((c) => c[0])).toEqual(["/w/ws1/api/files/tree?path=", "/w/ws1/api/settings"]);
    const local = createApi(fetch, () => null);
    await local("/api/files/tree");
    expect(fetch.mock.calls[2][0]).toBe("/api/files/tree");
  });
});
