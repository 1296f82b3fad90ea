// How a completion request reaches the server, behind one small interface so the transport
// can switch: HTTP (POST /api/complete, aborted with an AbortController) or Socket.IO
// (`complete:request` with a client id and an ack, `complete:cancel` to abort). The warm-up of
// a file (its prompt evaluated ahead of the first completion) goes the same way: POST
// /api/complete/warm with the completion's body, or `complete:warm` with an ack.
import { ApiError, api } from "../api/http";
import type { CompleteRequest, CompleteResponse, SocketAckError, WarmResponse } from "./types";

export interface CompletionTransport {
  readonly name: "http" | "socket";
  /** Rejects with an AbortError when `signal` aborts, with ApiError when the server refuses. */
  complete(body: CompleteRequest, signal: AbortSignal): Promise<CompleteResponse>;
}

export function abortError(): Error {
  return new DOMException("The completion request was superseded", "AbortError");
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === "AbortError";
}

export type PostCompletion = (body: CompleteRequest, signal: AbortSignal) => Promise<CompleteResponse>;

const postCompletion: PostCompletion = (body, signal) =>
  api<CompleteResponse>("/api/complete", { method: "POST", body, signal });

export function httpTransport(post: PostCompletion = postCompletion): CompletionTransport {
  return { name: "http", complete: (body, signal) => post(body, signal) };
}

/** The part of a Socket.IO client the socket transport uses. */
export interface AckSocket {
  readonly connected: boolean;
  timeout(ms: number): {
    emit(event: string, payload: unknown, ack: (err: Error | null, res: unknown) => void): unknown;
  };
  emit(event: string, payload: unknown): unknown;
}

/** Longer than the first completion may take: it starts the embedded model (~60 s at worst). */
export const SOCKET_ACK_TIMEOUT_MS = 120_000;

let nextId = 0;

export function socketTransport(getSocket: () => AckSocket, fallback: CompletionTransport): CompletionTransport {
  return {
    name: "socket",
    complete(body, signal) {
      const socket = getSocket();
      // Offline (or reconnecting): HTTP fails the same way the rest of the app does.
      if (!socket.connected) return fallback.complete(body, signal);
      const id = `c${++nextId}`;
      return new Promise<CompleteResponse>((resolve, reject) => {
        if (signal.aborted) return reject(abortError());
        let settled = false;
        const onAbort = () => {
          if (settled) return;
          settled = true;
          socket.emit("complete:cancel", { id });
          reject(abortError());
        };
        signal.addEventListener("abort", onAbort, { once: true });
        socket.timeout(SOCKET_ACK_TIMEOUT_MS).emit("complete:request", { id, ...body }, (err, res) => {
          if (settled) return;
          settled = true;
          signal.removeEventListener("abort", onAbort);
          if (err) return reject(new ApiError(504, "timed out waiting for the server's completion", null));
          const answer = res as CompleteResponse | SocketAckError;
          if ("error" in answer) return reject(new ApiError(answer.status ?? 500, answer.error, answer));
          resolve(answer);
        });
      });
    },
  };
}

/** Warms the prompt of `body` (POST /api/complete/warm, or `complete:warm`). */
export type PostWarm = (body: CompleteRequest) => Promise<WarmResponse>;

export const postWarm: PostWarm = (body) => api<WarmResponse>("/api/complete/warm", { method: "POST", body });

/** `complete:warm` on the socket (an ack `{model, state, latency_ms}` or `{error, status}`); HTTP when offline. */
export function socketWarm(getSocket: () => AckSocket, fallback: PostWarm = postWarm): PostWarm {
  return (body) => {
    const socket = getSocket();
    if (!socket.connected) return fallback(body);
    return new Promise<WarmResponse>((resolve, reject) => {
      socket.timeout(SOCKET_ACK_TIMEOUT_MS).emit("complete:warm", body, (err, res) => {
        if (err) return reject(new ApiError(504, "timed out waiting for the server's warm-up", null));
        const answer = res as WarmResponse | SocketAckError;
        if ("error" in answer) return reject(new ApiError(answer.status ?? 500, answer.error, answer));
        resolve(answer);
      });
    });
  };
}
