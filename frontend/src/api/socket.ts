// The one Socket.IO connection of the app. Other features (chat, terminal, agent) import
// `getSocket()` and add their own event listeners; the cookie authenticates it.
import { io, type Socket } from "socket.io-client";
import { create } from "zustand";

export type ConnectionStatus = "connecting" | "connected" | "disconnected";

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

export function getSocket(): Socket {
  if (socket) return socket;
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
  socket.on("disconnect", () => useConnection.setState({ status: "disconnected" }));
  socket.on("connect_error", () => useConnection.setState({ status: "disconnected" }));
  return socket;
}
