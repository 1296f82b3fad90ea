// The inline edit's Socket.IO calls and the routing of its streamed events to the session
// that started each edit. Events can arrive before the start's ack names the edit: they wait.
import { getSocket } from "../api/socket";

export interface InlineEditStartBody {
  path: string;
  language: string;
  instruction: string;
  range: { start_line: number; start_column: number; end_line: number; end_column: number };
  text: string;
  prefix: string;
  suffix: string;
  previous?: { instruction: string; text: string };
}

export type StartAck = { edit_id: string; model: string } | { error: string; status: number };

export interface EditListener {
  delta(text: string): void;
  done(text: string, finishReason: string): void;
  error(detail: string): void;
}

type Early =
  { kind: "delta"; text: string } | { kind: "done"; text: string; reason: string } | { kind: "error"; detail: string };

/** Long enough for the embedded model to start (the ack comes once the prompt is fitted). */
const ACK_TIMEOUT_MS = 120_000;
const MAX_EARLY = 200;

const listeners = new Map<string, EditListener>();
const early = new Map<string, Early[]>();

export async function startInlineEdit(body: InlineEditStartBody): Promise<StartAck> {
  try {
    return (await getSocket().timeout(ACK_TIMEOUT_MS).emitWithAck("inline_edit:start", body)) as StartAck;
  } catch {
    return { error: "The server did not answer (is it still running?)", status: 0 };
  }
}

export function cancelInlineEdit(editId: string): void {
  getSocket().emit("inline_edit:cancel", { edit_id: editId });
}

/** Routes an edit's events to `listener` (first those that came before the ack). */
export function listen(editId: string, listener: EditListener): () => void {
  listeners.set(editId, listener);
  for (const event of early.get(editId) ?? []) deliver(listener, event);
  early.delete(editId);
  return () => {
    if (listeners.get(editId) === listener) listeners.delete(editId);
  };
}

function deliver(listener: EditListener, event: Early): void {
  if (event.kind === "delta") listener.delta(event.text);
  else if (event.kind === "done") listener.done(event.text, event.reason);
  else listener.error(event.detail);
}

function route(editId: string, event: Early): void {
  const listener = listeners.get(editId);
  if (listener) {
    deliver(listener, event);
    return;
  }
  const queue = early.get(editId) ?? [];
  if (queue.length < MAX_EARLY) queue.push(event);
  early.set(editId, queue);
  if (early.size > 20) early.delete(early.keys().next().value!); // edits nobody listens to any more
}

export function onDelta(payload: { edit_id: string; text: string }): void {
  route(payload.edit_id, { kind: "delta", text: payload.text });
}

export function onDone(payload: { edit_id: string; text: string; finish_reason: string }): void {
  route(payload.edit_id, { kind: "done", text: payload.text, reason: payload.finish_reason });
}

export function onError(payload: { edit_id: string; detail: string }): void {
  route(payload.edit_id, { kind: "error", detail: payload.detail });
}

/** The connection dropped: a running edit's end may never arrive. */
export function onDisconnect(): void {
  for (const listener of [...listeners.values()]) listener.error("The connection to the server was lost.");
  listeners.clear();
  early.clear();
}
