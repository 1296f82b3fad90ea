// Requests to the language servers over the app's Socket.IO connection: `lsp:request` with an
// ack `{result, server}` or `{error, status}` (501: no server of the language can do it; 503:
// the server is not running). Document sync events go the same way (sync.ts).
import { getSocket } from "../api/socket";

/** A request the server refused or could not answer: `status` as HTTP would have it. */
export class LspError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "LspError";
  }
}

/** Long enough for a cold server's first answer (basedpyright analysing a package). */
export const LSP_TIMEOUT_MS = 30_000;

interface AckError {
  error: string;
  status?: number;
}

function isAckError(value: unknown): value is AckError {
  return !!value && typeof value === "object" && typeof (value as AckError).error === "string";
}

/** Emits an event and resolves with its ack; rejects with LspError (an ack error, a timeout, offline). */
export function emitWithAck<T>(event: string, payload: unknown, timeoutMs = LSP_TIMEOUT_MS): Promise<T> {
  const socket = getSocket();
  if (!socket.connected) {
    return Promise.reject(new LspError(503, "Pairpad is offline: the language servers cannot be reached"));
  }
  return new Promise<T>((resolve, reject) => {
    socket.timeout(timeoutMs).emit(event, payload, (err: Error | null, res: unknown) => {
      if (err) return reject(new LspError(504, `The language server did not answer ${event} in ${timeoutMs / 1000} s`));
      if (isAckError(res)) return reject(new LspError(res.status ?? 500, res.error));
      resolve(res as T);
    });
  });
}

/** Fire and forget (document sync): order on the socket is kept, so a later request sees it. */
export function emit(event: string, payload: unknown): void {
  const socket = getSocket();
  if (socket.connected) socket.emit(event, payload);
}

export interface RequestAnswer<T> {
  result: T;
  server: string;
}

/** One LSP request about a file; the server fills `params.textDocument.uri` from `path`. */
export async function lspRequest<T>(path: string, method: string, params: object): Promise<T> {
  const answer = await emitWithAck<RequestAnswer<T>>("lsp:request", { path, method, params });
  return answer.result;
}

/**
 * What to tell the user about a failed request: the server's reason said plainly. 501: no
 * server of the language can do it (its message names the language and the method); 503: the
 * server that could is not running (why: crashed with its exit status, or not found).
 */
export function describeFailure(err: unknown, what: string): string {
  if (err instanceof LspError) {
    if (err.status === 501) return err.message.endsWith(".") ? err.message : `${err.message}.`;
    if (err.status === 503) return `${what}: the language server is not running (${err.message})`;
    return `${what} failed: ${err.message}`;
  }
  return `${what} failed: ${err instanceof Error ? err.message : String(err)}`;
}
