// The one Socket.IO connection of the app. Other features (chat, terminal, agent) import
// `getSocket()` and add their own event listeners; the cookie authenticates it.
import { io, type Socket } from "socket.io-client";
import { create } from "zustand";
import { isTeamWorkspace, workspaceBase } from "./base";
import { goToSignIn, refreshSession, setUnauthorizedHandler } from "./http";

/**
 * "unauthorized": the server answers but no longer accepts our cookie (it restarted with a
 * new token). Retrying cannot help, so the app stops and asks the user to open the new URL.
 */
export type ConnectionStatus = "connecting" | "connected" | "disconnected" | "unauthorized";

interface ConnectionState {
  status: ConnectionStatus;
  /** True once the socket has connected at least once; a later loss shows the banner. */
  everConnected: boolean;
  /** Increments on every (re)connect so listeners can resync state. */
  generation: number;
}

export const useConnection = create<ConnectionState>(() => ({
  status: "connecting",
  everConnected: false,
  generation: 0,
}));

let socket: Socket | null = null;

/** The server refused our credentials: stop reconnecting and say so (persistently). */
export function markUnauthorized(): void {
  if (useConnection.getState().status === "unauthorized") return;
  useConnection.setState({ status: "unauthorized" });
  // Stops the manager's reconnection loop; nothing is retried until the user asks.
  socket?.disconnect();
}

/** "Try again" after the user opened the new URL in another tab (the cookie is shared). */
export function retryConnection(): void {
  useConnection.setState({ status: "connecting" });
  getSocket().connect();
}

export function isUnauthorizedError(err: unknown): boolean {
  return err instanceof Error && /unauthori[sz]ed/i.test(err.message);
}

const SOCKET_OPTIONS = {
  path: "/socket.io",
  // WebSocket only: long-polling requests would be aborted on every reload and add noise.
  transports: ["websocket"],
  withCredentials: true,
  reconnection: true,
  reconnectionDelay: 500,
  reconnectionDelayMax: 4000,
};

export interface SessionHooks {
  refresh: () => Promise<boolean>;
  expired: () => void;
}

/**
 * Team mode: the server refused the socket because the access cookie expired. Renew the session
 * once and reconnect; a second refusal before any successful connect (or a failed renewal)
 * means the session is gone: sign in again.
 */
export function handleTeamUnauthorized(
  sock: Socket,
  hooks: SessionHooks,
  state: { renewed: boolean; pending?: boolean },
): void {
  if (state.pending) return; // the manager retried while the renewal runs
  if (state.renewed) {
    hooks.expired();
    return;
  }
  state.renewed = true;
  state.pending = true;
  void hooks.refresh().then((ok) => {
    state.pending = false;
    if (ok) sock.connect();
    else hooks.expired();
  });
}

/** Opens the socket: local mode's default namespace, or a team workspace's `/w/{id}`. */
export function openSocket(hooks: SessionHooks = { refresh: refreshSession, expired: goToSignIn }): Socket {
  const team = isTeamWorkspace();
  const sock = team ? io(workspaceBase(), SOCKET_OPTIONS) : io(SOCKET_OPTIONS);
  const session = { renewed: false, pending: false };
  sock.on("connect", () => {
    session.renewed = false;
    useConnection.setState((s) => ({ status: "connected", everConnected: true, generation: s.generation + 1 }));
  });
  sock.on("disconnect", () => {
    if (useConnection.getState().status !== "unauthorized") useConnection.setState({ status: "disconnected" });
  });
  sock.on("connect_error", (err) => {
    if (isUnauthorizedError(err)) {
      if (team) handleTeamUnauthorized(sock, hooks, session);
      else markUnauthorized();
    } else if (useConnection.getState().status !== "unauthorized") useConnection.setState({ status: "disconnected" });
  });
  return sock;
}

export function getSocket(): Socket {
  if (socket) return socket;
  // Local mode: a 401 means the server restarted with a new token (team mode renews instead).
  setUnauthorizedHandler(markUnauthorized);
  socket = openSocket();
  return socket;
}
