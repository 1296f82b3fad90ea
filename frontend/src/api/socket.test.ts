import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// A fake socket.io-client: records how `io` was called and lets the test fire events.
const fake = vi.hoisted(() => {
  type Handler = (arg?: unknown) => void;
  const made: { args: unknown[]; handlers: Map<string, Handler>; connect: ReturnType<typeof vi.fn> }[] = [];
  const io = vi.fn((...args: unknown[]) => {
    const handlers = new Map<string, Handler>();
    const sock = {
      args,
      handlers,
      connect: vi.fn(),
      disconnect: vi.fn(),
      on: (ev: string, h: Handler) => handlers.set(ev, h),
    };
    made.push(sock);
    return sock;
  });
  return { io, made };
});
vi.mock("socket.io-client", () => ({ io: fake.io }));

import { openSocket, useConnection } from "./socket";

const flush = () => new Promise((r) => setTimeout(r, 0));

describe("socket namespace and session renewal", () => {
  beforeEach(() => {
    fake.made.length = 0;
    useConnection.setState({ status: "connecting", everConnected: false, generation: 0 });
  });
  afterEach(() => vi.unstubAllGlobals());

  it("local mode connects the default namespace, as before", () => {
    vi.stubGlobal("location", { pathname: "/", search: "" });
    openSocket({ refresh: vi.fn(), expired: vi.fn() });
    expect(fake.made[0].args).toHaveLength(1);
    expect(fake.made[0].args[0]).toMatchObject({ path: "/socket.io", transports: ["websocket"] });
  });

  it("a team workspace connects the /w/{id} namespace on the same /socket.io path", () => {
    vi.stubGlobal("location", { pathname: "/w/ws9/", search: "" });
    openSocket({ refresh: vi.fn(), expired: vi.fn() });
    expect(fake.made[0].args[0]).toBe("/w/ws9");
    expect(fake.made[0].args[1]).toMatchObject({ path: "/socket.io", withCredentials: true });
  });

  it("'unauthorized' in team mode renews the session and reconnects", async () => {
    vi.stubGlobal("location", { pathname: "/w/ws9/", search: "" });
    const hooks = { refresh: vi.fn(async () => true), expired: vi.fn() };
    openSocket(hooks);
    const sock = fake.made[0];
    sock.handlers.get("connect_error")!(new Error("unauthorized"));
    sock.handlers.get("connect_error")!(new Error("unauthorized")); // a retry while renewing
    await flush();
    expect(hooks.refresh).toHaveBeenCalledTimes(1);
    expect(sock.connect).toHaveBeenCalledTimes(1);
    expect(hooks.expired).not.toHaveBeenCalled();
    expect(useConnection.getState().status).not.toBe("unauthorized");
    // Refused again right after a renewal: the session is gone.
    sock.handlers.get("connect_error")!(new Error("unauthorized"));
    expect(hooks.expired).toHaveBeenCalledTimes(1);
    // A successful connect re-arms the renewal for the next expiry.
    sock.handlers.get("connect")!();
    sock.handlers.get("connect_error")!(new Error("unauthorized"));
    await flush();
    expect(hooks.refresh).toHaveBeenCalledTimes(2);
  });

  it("goes to sign-in when the renewal fails", async () => {
    vi.stubGlobal("location", { pathname: "/w/ws9/", search: "" });
    const hooks = { refresh: vi.fn(async () => false), expired: vi.fn() };
    openSocket(hooks);
    fake.made[0].handlers.get("connect_error")!(new Error("unauthorized"));
    await flush();
    expect(hooks.expired).toHaveBeenCalledTimes(1);
    expect(fake.made[0].connect).not.toHaveBeenCalled();
  });

  it("local mode's 'unauthorized' still shows the new-token banner", () => {
    vi.stubGlobal("location", { pathname: "/", search: "" });
    const hooks = { refresh: vi.fn(), expired: vi.fn() };
    openSocket(hooks);
    fake.made[0].handlers.get("connect_error")!(new Error("unauthorized"));
    expect(useConnection.getState().status).toBe("unauthorized");
    expect(hooks.refresh).not.toHaveBeenCalled();
  });
});
