import { describe, expect, it } from "vitest";
import { routeOf } from "./routes";

describe("team page routes", () => {
  it("maps the served paths to pages", () => {
    expect(routeOf("/")).toEqual({ page: "home" });
    expect(routeOf("/signin")).toEqual({ page: "signin" });
    expect(routeOf("/signup/")).toEqual({ page: "signup" });
    expect(routeOf("/account")).toEqual({ page: "account" });
    expect(routeOf("/account/link")).toEqual({ page: "link" });
    expect(routeOf("/teams/t%201")).toEqual({ page: "team", teamId: "t 1" });
    expect(routeOf("/invite/abc")).toEqual({ page: "invite", token: "abc" });
    expect(routeOf("/reset-password")).toEqual({ page: "reset" });
    expect(routeOf("/verify-email")).toEqual({ page: "verify" });
    expect(routeOf("/admin/audit")).toEqual({ page: "audit" });
    expect(routeOf("/teams")).toEqual({ page: "notfound" });
    expect(routeOf("/teams/a/b")).toEqual({ page: "notfound" });
  });
});
