// The terminal's Socket.IO messages (the server's realtime/handlers/terminal.py): requests
// with an ack (open, list) and fire-and-forget ones (input, resize, ack, close).
import { getSocket } from "../api/socket";

export interface OpenedTerminal {
  term_id: string;
  title: string;
  shell: string;
  cwd: string;
  cols: number;
  rows: number;
}

/** A reattach's answer: the scroll-back and where it ends. */
export interface AttachedTerminal extends OpenedTerminal {
  scrollback: string;
  offset: number;
  exited: boolean;
  exit_code?: number | null;
  signal?: string | null;
}

export interface ListedTerminal {
  term_id: string;
  title: string;
  cols: number;
  rows: number;
  exited: boolean;
}

export class TerminalRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

const ACK_TIMEOUT_MS = 15_000;

function request<T>(event: string, payload: unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    getSocket()
      .timeout(ACK_TIMEOUT_MS)
      .emit(event, payload, (err: Error | null, res: unknown) => {
        if (err) return reject(new TerminalRequestError(`The server did not answer ${event} in time.`, null));
        const answer = res as { error?: unknown; status?: number } | null;
        if (answer && typeof answer === "object" && "error" in answer) {
          return reject(new TerminalRequestError(String(answer.error), answer.status ?? null));
        }
        resolve(res as T);
      });
  });
}

/** The server takes at most 64 Ki characters per term:input; a big paste goes in pieces. */
export const INPUT_CHUNK = 16 * 1024;

/** `data` in pieces of at most `size` UTF-16 units, never splitting a surrogate pair. */
export function inputChunks(data: string, size = INPUT_CHUNK): string[] {
  const chunks: string[] = [];
  for (let at = 0; at < data.length;) {
    let end = Math.min(at + size, data.length);
    const last = data.charCodeAt(end - 1);
    if (end < data.length && last >= 0xd800 && last <= 0xdbff) end--;
    chunks.push(data.slice(at, end));
    at = end;
  }
  return chunks;
}

export const terminalApi = {
  open: (cols: number, rows: number) => request<OpenedTerminal>("term:open", { cols, rows }),
  attach: (termId: string) => request<AttachedTerminal>("term:open", { term_id: termId }),
  list: () => request<{ terminals: ListedTerminal[] }>("term:list", {}),
  input: (termId: string, data: string) => {
    for (const chunk of inputChunks(data)) getSocket().emit("term:input", { term_id: termId, data: chunk });
  },
  resize: (termId: string, cols: number, rows: number) =>
    void getSocket().emit("term:resize", { term_id: termId, cols, rows }),
  ack: (termId: string, offset: number) => void getSocket().emit("term:ack", { term_id: termId, offset }),
  close: (termId: string) => void getSocket().emit("term:close", { term_id: termId }),
};
