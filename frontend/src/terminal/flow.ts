// The terminal's stream bookkeeping, kept free of xterm and the socket so it can be tested.
// Offsets count what the server's terminal wrote in characters (Unicode code points, as
// Python's len() counts them), not UTF-16 units: an emoji is one character on the server
// and two units in a JS string.

const HIGH_SURROGATE = /[\uD800-\uDBFF]/;

/** The number of code points of `s`. */
export function cpLength(s: string): number {
  // Most output has no astral characters: the regex scan is native, the loop is not.
  if (!HIGH_SURROGATE.test(s)) return s.length;
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** `s` without its first `count` code points. */
export function dropCodePoints(s: string, count: number): string {
  if (count <= 0) return s;
  let i = 0;
  for (let seen = 0; seen < count && i < s.length; seen++) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
  }
  return s.slice(i);
}

/**
 * Where the client's copy of a terminal's output ends. Output the client already has (sent
 * again after a reattach's scroll-back covered it) is dropped; a partial overlap is cut.
 */
export class OutputCursor {
  constructor(public received = 0) {}

  /** The part of `data` (written by the terminal at `offset`) not seen yet, or "" when none. */
  accept(offset: number, data: string): string {
    const end = offset + cpLength(data);
    if (end <= this.received) return "";
    const fresh = offset < this.received ? dropCodePoints(data, this.received - offset) : data;
    // offset > received means output was lost (it is not in any scroll-back any more):
    // nothing can bring it back, so the stream simply continues.
    this.received = end;
    return fresh;
  }

  /**
   * The part of a reattach's scroll-back (ending at `offset`) the client lacks. The
   * scroll-back is the tail of the output: what fell out of it before `received` is gone.
   */
  catchUp(scrollback: string, offset: number): string {
    if (offset <= this.received) return "";
    const start = offset - cpLength(scrollback);
    const fresh = this.received > start ? dropCodePoints(scrollback, this.received - start) : scrollback;
    this.received = offset;
    return fresh;
  }
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Acknowledges drawn output to the server (its flow control): at once when `bytes` more than
 * the last ack were drawn, otherwise at most `ms` later, never one ack per write.
 */
export class AckBatcher {
  private acked: number;
  private drawnTo: number;
  private timer: unknown = null;

  constructor(
    private readonly send: (offset: number) => void,
    start = 0,
    private readonly bytes = 64 * 1024,
    private readonly ms = 100,
    private readonly timers: Timers = realTimers,
  ) {
    this.acked = start;
    this.drawnTo = start;
  }

  /** xterm has drawn everything up to `offset`. */
  drawn(offset: number): void {
    if (offset <= this.drawnTo) return;
    this.drawnTo = offset;
    if (this.drawnTo - this.acked >= this.bytes) this.flush();
    else if (this.timer === null) this.timer = this.timers.set(() => this.flush(), this.ms);
  }

  /** Sends the pending ack now (if any). */
  flush(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    if (this.drawnTo <= this.acked) return;
    this.acked = this.drawnTo;
    this.send(this.acked);
  }

  /** Starts over from `offset` (a reattach: the server counts from its own offset). */
  reset(offset: number): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    this.acked = offset;
    this.drawnTo = offset;
  }

  dispose(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
  }
}

/**
 * Coalesces incoming output into few terminal writes per animation frame (a flood arrives
 * as many events; each xterm write has a cost of its own). Pieces stay at most `max` UTF-16
 * units (one server batch may be bigger): `write` gets each with the offset it ends at, so
 * acks flow while xterm parses the rest — one huge write would be acknowledged only at its
 * end, and the server would sit idle meanwhile.
 */
export class FrameBatcher {
  private chunks: { data: string; end: number }[] = [];
  private scheduled = false;

  constructor(
    private readonly write: (data: string, end: number) => void,
    private readonly schedule: (fn: () => void) => void = (fn) => requestAnimationFrame(fn),
    private readonly max = 64 * 1024,
  ) {}

  push(data: string, end: number): void {
    if (!data) return;
    this.chunks.push({ data, end });
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.flush());
  }

  /** Writes what is queued now (before something that must follow it, like an exit line). */
  flush(): void {
    this.scheduled = false;
    const chunks = this.chunks;
    this.chunks = [];
    let piece: string[] = [];
    let size = 0;
    let end = 0;
    for (const chunk of chunks) {
      if (size > 0 && size + chunk.data.length > this.max) {
        this.write(piece.length === 1 ? piece[0] : piece.join(""), end);
        piece = [];
        size = 0;
      }
      piece.push(chunk.data);
      size += chunk.data.length;
      end = chunk.end;
    }
    if (size > 0) this.write(piece.length === 1 ? piece[0] : piece.join(""), end);
  }
}
