// The one Socket.IO connection of the app. Other features (chat, terminal, agent) import
// `getSocket()` and add their own event listeners; the cookie authenticates it.
import { io, type Socket } from "socket.io-client";
import { create } from "zustand";
import { setUnauthorizedHandler } from "./http";

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

export function getSocket(): Socket {
  if (socket) return socket;
  setUnauthorizedHandler(markUnauthorized);
  socket = io({
    path: "/socket.io",
    // WebSocket only: long-polling requests would be aborted on every reload and add noise.
    transports: ["websocket"],
    withCredentials: true,
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 4000,
  });
  socket.on("connect", () =>
    useConnection.setState((s) => ({ status: "connected", everConnected: true, generation: s.generation + 1 })),
  );
  socket.on("disconnect", () => {
    if (useConnection.getState().status !== "unauthorized") useConnection.setState({ status: "disconnected" });
  });
  socket.on("connect_error", (err) => {
    if (isUnauthorizedError(err)) markUnauthorized();
    else if (useConnection.getState().status !== "unauthorized") useConnection.setState({ status: "disconnected" });
  });
  return socket;
}
