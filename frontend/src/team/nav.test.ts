import { describe, expect, it } from "vitest";
import { linkToken, safeNext, withNext } from "./nav";

describe("sign-in next= target", () => {
  it("keeps same-site paths", () => {
    expect(safeNext("/w/abc/")).toBe("/w/abc/");
    expect(safeNext("/invite/tok?x=1")).toBe("/invite/tok?x=1");
    expect(safeNext("/teams/t1#members")).toBe("/teams/t1#members");
  });

  it("refuses other origins and tricks", () => {
    for (const bad of [
      null,
      "",
      "https://evil.example/",
      "//evil.example/x",
      "/\\evil.example",
      "javascript:alert(1)",
      "w/abc",
      "/\t/evil.example",
      "/api/auth/logout",
    ]) {
      expect(safeNext(bad)).toBe("/");
    }
  });

  it("builds sign-in links", () => {
    expect(withNext("/signin", "/invite/t")).toBe("/signin?next=%2Finvite%2Ft");
    expect(withNext("/signin", "/")).toBe("/signin");
  });
});

describe("linkToken", () => {
  it("reads the emailed link's token from the fragment, else the query", () => {
    expect(linkToken(new URLSearchParams(""), "#token=abc")).toBe("abc");
    expect(linkToken(new URLSearchParams("token=q"), "")).toBe("q");
    expect(linkToken(new URLSearchParams("token=q"), "#token=f")).toBe("f");
    expect(linkToken(new URLSearchParams(""), "")).toBeNull();
  });
});
