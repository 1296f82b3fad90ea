import { describe, expect, it, vi } from "vitest";
import { ApiError, createApi, createSessionRefresher, setUnauthorizedHandler } from "./http";

type Call = [string, RequestInit | undefined];

/** A fake server: answers each URL from a queue of statuses (the last one repeats). */
function fakeServer(routes: Record<string, number[]>) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (url: string, init?: RequestInit) => {
    calls.push([url, init]);
    const queue = routes[url] ?? [404];
    const status = queue.length > 1 ? queue.shift()! : queue[0];
    const body = status === 401 ? { detail: "Not signed in" } : { ok: true, url };
    return new Response(JSON.stringify(body), { status });
  });
  return { fetch, calls };
}

describe("team session renewal", () => {
  it("refreshes once on a 401 and retries the request", async () => {
    const server = fakeServer({ "/w/ws/api/git/status": [401, 200], "/api/auth/refresh": [200] });
    const refresh = createSessionRefresher(server.fetch, () => "x1");
    const expired = vi.fn();
    const api = createApi(server.fetch, () => "x1", { base: "/w/ws", refresh, onSessionExpired: expired });
    await expect(api("/api/git/status")).resolves.toMatchObject({ ok: true });
    expect(server.calls.map((c) => c[0])).toEqual([
      "/w/ws/api/git/status",
      "/api/auth/refresh",
      "/w/ws/api/git/status",
    ]);
    const refreshInit = server.calls[1][1]!;
    expect(refreshInit.method).toBe("POST");
    expect(refreshInit.body).toBe('{"cookie":true}');
    expect((refreshInit.headers as Record<string, string>)["X-XSRF-Token"]).toBe("x1");
    expect(expired).not.toHaveBeenCalled();
  });

  it("keeps one refresh in flight for concurrent 401s", async () => {
    const server = fakeServer({ "/api/a": [401, 200], "/api/b": [401, 200], "/api/auth/refresh": [200] });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // The refresh answers only once both requests have had their 401.
    const shared = createSessionRefresher(async (url, init) => {
      await gate;
      return server.fetch(url, init);
    });
    const api = createApi(server.fetch, () => null, { refresh: shared });
    const both = Promise.all([api("/api/a"), api("/api/b")]);
    await vi.waitFor(() => expect(server.calls).toHaveLength(2));
    release();
    await both;
    expect(server.calls.filter((c) => c[0] === "/api/auth/refresh")).toHaveLength(1);
    expect(server.calls.map((c) => c[0]).sort()).toEqual(["/api/a", "/api/a", "/api/auth/refresh", "/api/b", "/api/b"]);
  });

  it("goes to sign-in when the refresh fails, without retrying", async () => {
    const server = fakeServer({ "/api/teams": [401], "/api/auth/refresh": [401] });
    const expired = vi.fn();
    const api = createApi(server.fetch, () => null, {
      refresh: createSessionRefresher(server.fetch, () => null),
      onSessionExpired: expired,
    });
    const err = (await api("/api/teams").catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(401);
    expect(expired).toHaveBeenCalledTimes(1);
    expect(server.calls.map((c) => c[0])).toEqual(["/api/teams", "/api/auth/refresh"]);
  });

  it("goes to sign-in when the retried request is refused again", async () => {
    const server = fakeServer({ "/api/teams": [401], "/api/auth/refresh": [200] });
    const expired = vi.fn();
    const api = createApi(server.fetch, () => null, {
      refresh: createSessionRefresher(server.fetch, () => null),
      onSessionExpired: expired,
    });
    await expect(api("/api/teams")).rejects.toMatchObject({ status: 401 });
    expect(expired).toHaveBeenCalledTimes(1);
    expect(server.calls.filter((c) => c[0] === "/api/auth/refresh")).toHaveLength(1);
  });

  it("never refreshes wrong credentials, and authRedirect:false only throws", async () => {
    const server = fakeServer({ "/api/auth/login": [401], "/api/auth/me": [401], "/api/auth/refresh": [401] });
    const expired = vi.fn();
    const api = createApi(server.fetch, () => null, {
      refresh: createSessionRefresher(server.fetch, () => null),
      onSessionExpired: expired,
    });
    await expect(api("/api/auth/login", { method: "POST", body: {} })).rejects.toMatchObject({ status: 401 });
    expect(server.calls.map((c) => c[0])).toEqual(["/api/auth/login"]);
    await expect(api("/api/auth/me", { authRedirect: false })).rejects.toMatchObject({ status: 401 });
    expect(expired).not.toHaveBeenCalled();
  });

  it("local mode (no refresh) calls the unauthorized handler as before", async () => {
    const server = fakeServer({ "/api/files/tree": [401] });
    const handler = vi.fn();
    setUnauthorizedHandler(handler);
    const api = createApi(server.fetch, () => null);
    await expect(api("/api/files/tree")).rejects.toMatchObject({ status: 401 });
    expect(handler).toHaveBeenCalledTimes(1);
    expect(server.calls).toHaveLength(1);
    setUnauthorizedHandler(null);
  });
});

describe("rate limits", () => {
  it("keeps a 429's Retry-After seconds", async () => {
    const api = createApi(
      async () =>
        new Response(JSON.stringify({ detail: "Too many attempts." }), {
          status: 429,
          headers: { "Retry-After": "30" },
        }),
      () => null,
    );
    await expect(api("/api/auth/login", { method: "POST", body: {} })).rejects.toMatchObject({
      status: 429,
      detail: "Too many attempts.",
      retryAfter: 30,
    });
  });
});
