import { describe, expect, it, vi } from "vitest";
import { ApiError, buildUrl, createApi, detailToText, readCookie } from "./http";

function fakeFetch(status: number, body: unknown) {
  return vi.fn(
    async (_url: string, _init?: RequestInit) =>
      new Response(body === undefined ? "" : JSON.stringify(body), { status }),
  );
}

describe("api fetch wrapper", () => {
  it("sends the XSRF header on state-changing requests only", async () => {
    const fetch = fakeFetch(200, { ok: true });
    const api = createApi(fetch, (name) => (name === "_xsrf" ? "tok en" : null));
    await api("/api/x", { method: "PUT", body: { a: 1 } });
    await api("/api/y");
    const put = fetch.mock.calls[0][1]!.headers as Record<string, string>;
    const get = fetch.mock.calls[1][1]!.headers as Record<string, string>;
    expect(put["X-XSRF-Token"]).toBe("tok en");
    expect(put["Content-Type"]).toBe("application/json");
    expect(get["X-XSRF-Token"]).toBeUndefined();
    expect(fetch.mock.calls[0][1]!.body).toBe('{"a":1}');
  });

  it("turns {detail} bodies into ApiError with status and body", async () => {
    const api = createApi(fakeFetch(409, { detail: "changed on disk", current_etag: "e2" }), () => null);
    const err = (await api("/api/files/content", { method: "PUT" }).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(409);
    expect(err.detail).toBe("changed on disk");
    expect((err.body as { current_etag: string }).current_etag).toBe("e2");
  });

  it("formats FastAPI validation errors", () => {
    expect(detailToText([{ loc: ["body", "values", "editor.fontSize"], msg: "too big" }], "x")).toBe(
      "values.editor.fontSize: too big",
    );
    expect(detailToText(undefined, "fallback")).toBe("fallback");
  });

  it("reports network failures as a readable ApiError", async () => {
    const api = createApi(
      async () => {
        throw new TypeError("Failed to fetch");
      },
      () => null,
    );
    await expect(api("/api/health")).rejects.toMatchObject({
      status: 0,
      detail: expect.stringMatching(/Cannot reach/) as unknown,
    });
  });

  it("reads cookies and builds query strings", () => {
    expect(readCookie("_xsrf", "a=1; _xsrf=abc%3D; b=2")).toBe("abc=");
    expect(readCookie("_xsrf", "a=1")).toBeNull();
    expect(buildUrl("/p", { q: "a b", x: undefined, n: 3, f: false })).toBe("/p?q=a+b&n=3&f=false");
  });
});
