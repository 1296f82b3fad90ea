import { describe, expect, it } from "vitest";
import { auditQuery, describeDetails, NO_FILTERS, shortRef } from "./audit";

describe("audit filters → query", () => {
  it("leaves out empty filters", () => {
    expect(auditQuery(NO_FILTERS)).toEqual({ limit: 50 });
    expect(auditQuery({ ...NO_FILTERS, actor: "   " })).toEqual({ limit: 50 });
  });

  it("passes actor (trimmed), action and the page", () => {
    expect(auditQuery({ ...NO_FILTERS, actor: " ann@example.com ", action: "auth.login" }, 41, 20)).toEqual({
      limit: 20,
      actor: "ann@example.com",
      action: "auth.login",
      before_id: 41,
    });
  });

  it("turns local days into an instant range that includes the last day", () => {
    const query = auditQuery({ ...NO_FILTERS, from: "2026-03-01", to: "2026-03-02" });
    expect(new Date(String(query.since)).getTime()).toBe(new Date(2026, 2, 1).getTime());
    expect(new Date(String(query.until)).getTime()).toBe(new Date(2026, 2, 3).getTime());
    expect(auditQuery({ ...NO_FILTERS, from: "garbage" })).toEqual({ limit: 50 });
  });

  it("shortens 32-hex ids only", () => {
    expect(shortRef("user:cad6dfecfde14804adfae2e7a233706c")).toBe("user:cad6dfec…");
    expect(shortRef("email:ghost@example.com")).toBe("email:ghost@example.com");
    expect(shortRef("anonymous")).toBe("anonymous");
  });

  it("describes details without empty values", () => {
    expect(describeDetails({ role: "viewer", ip: "", n: 2, session_id: null })).toBe("role: viewer · n: 2");
  });
});
