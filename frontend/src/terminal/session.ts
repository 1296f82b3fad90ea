// One terminal on the page: its xterm instance, its host element and its stream bookkeeping.
// Sessions live in a module-level map (sessions.ts), not in React: the bottom panel unmounts
// when it is hidden, and xterm's open() may be called once per instance, so the view moves
// the host element in and out of the DOM instead of recreating the terminal.
import { FitAddon } from "@xterm/addon-fit";
import { SearchAddon } from "@xterm/addon-search";
import { WebLinksAddon } from "@xterm/addon-web-links";
import { Terminal, type ITheme } from "@xterm/xterm";
import { AckBatcher, FrameBatcher, OutputCursor } from "./flow";
import { exitLine } from "./naming";

export interface SessionCallbacks {
  input(termId: string, data: string): void;
  ack(termId: string, offset: number): void;
  resize(termId: string, cols: number, rows: number): void;
  /** Ctrl+F inside the terminal. */
  find(): void;
}

/** Monaco's default on Linux; the editor does not set a family of its own. */
export const TERMINAL_FONT = "'Droid Sans Mono', 'DejaVu Sans Mono', 'Liberation Mono', monospace";

function isCtrl(e: KeyboardEvent, key: string, shift: boolean): boolean {
  return (e.ctrlKey || e.metaKey) && e.shiftKey === shift && !e.altKey && e.code === `Key${key.toUpperCase()}`;
}

export class TerminalSession {
  termId: string | null = null;
  exited = false;
  readonly host: HTMLDivElement;
  readonly term: Terminal;
  readonly fit = new FitAddon();
  readonly search = new SearchAddon();
  private opened = false;
  private readonly cursor = new OutputCursor();
  private readonly acks: AckBatcher;
  private readonly frames: FrameBatcher;
  /** Output that arrived while a reattach was in flight (its scroll-back comes first). */
  private pending: { offset: number; data: string }[] | null = null;
  private sentSize: { cols: number; rows: number } | null = null;

  constructor(
    readonly key: string,
    private readonly callbacks: SessionCallbacks,
    options: { theme: ITheme; fontSize: number },
  ) {
    this.host = document.createElement("div");
    this.host.className = "terminal-host";
    this.host.dataset.key = key;
    this.term = new Terminal({
      cursorBlink: true,
      fontFamily: TERMINAL_FONT,
      fontSize: options.fontSize,
      theme: options.theme,
      scrollback: 5000,
      allowProposedApi: true,
    });
    this.term.loadAddon(this.fit);
    this.term.loadAddon(this.search);
    this.term.loadAddon(
      new WebLinksAddon((event, uri) => {
        event.preventDefault();
        window.open(uri, "_blank", "noopener,noreferrer");
      }),
    );
    this.acks = new AckBatcher((offset) => {
      if (this.termId) callbacks.ack(this.termId, offset);
    });
    this.frames = new FrameBatcher((data, end) => this.term.write(data, () => this.acks.drawn(end)));
    this.term.onData((data) => this.send(data));
    this.term.onBinary((data) => this.send(data));
    this.term.attachCustomKeyEventHandler((e) => this.onKey(e));
    // The size on the host element: what the tests compare `stty size` with.
    const markSize = () => Object.assign(this.host.dataset, { cols: this.term.cols, rows: this.term.rows });
    this.term.onResize(markSize);
    markSize();
  }

  private send(data: string): void {
    // An exited terminal takes no input (Enter does not start a new shell).
    if (this.exited || !this.termId) return;
    this.callbacks.input(this.termId, data);
  }

  /** Keys xterm should not turn into shell input: find, copy, paste. */
  private onKey(e: KeyboardEvent): boolean {
    if (e.type !== "keydown") return true;
    if (isCtrl(e, "f", false)) {
      e.preventDefault();
      this.callbacks.find();
      return false;
    }
    if (isCtrl(e, "c", true)) {
      const text = this.term.getSelection();
      if (text) void navigator.clipboard?.writeText(text).catch(() => undefined);
      e.preventDefault();
      return false;
    }
    // Left to the browser, which fires the paste event xterm reads.
    if (isCtrl(e, "v", true)) return false;
    return true;
  }

  /** Puts the host into `container` (opening xterm the first time it is in the DOM). */
  mount(container: HTMLElement): void {
    if (this.host.parentElement !== container) container.appendChild(this.host);
    if (!this.opened) {
      this.opened = true;
      this.term.open(this.host);
    } else {
      this.term.refresh(0, this.term.rows - 1);
    }
  }

  unmount(): void {
    this.host.remove();
  }

  /** Fits the terminal to its host (when it has a size) and tells the server a new size. */
  fitToHost(): void {
    if (!this.opened || !this.host.isConnected || this.host.clientWidth === 0 || this.host.clientHeight === 0) return;
    const dims = this.fit.proposeDimensions();
    if (!dims || !Number.isFinite(dims.cols) || !Number.isFinite(dims.rows)) return;
    const cols = Math.max(2, dims.cols);
    const rows = Math.max(1, dims.rows);
    if (cols !== this.term.cols || rows !== this.term.rows) this.term.resize(cols, rows);
    this.reportSize();
  }

  /** Sends the size to the server when it differs from the last one it got. */
  reportSize(): void {
    if (!this.termId || this.exited) return;
    const { cols, rows } = this.term;
    if (this.sentSize && this.sentSize.cols === cols && this.sentSize.rows === rows) return;
    this.sentSize = { cols, rows };
    this.callbacks.resize(this.termId, cols, rows);
  }

  /** The server opened it with this size. */
  setOpened(termId: string, cols: number, rows: number): void {
    this.termId = termId;
    this.sentSize = { cols, rows };
  }

  /** Output from the server (deduplicated by offset, coalesced per frame). */
  output(offset: number, data: string): void {
    if (this.exited) return;
    if (this.pending) {
      this.pending.push({ offset, data });
      return;
    }
    const fresh = this.cursor.accept(offset, data);
    if (fresh) this.frames.push(fresh, this.cursor.received);
  }

  /** A reattach is in flight: hold output until its scroll-back is written. */
  beginAttach(): void {
    this.pending ??= [];
  }

  /** The reattach's answer: write the scroll-back the page lacks, then what arrived meanwhile. */
  finishAttach(scrollback: string, offset: number): void {
    const held = this.pending ?? [];
    this.pending = null;
    const fresh = this.cursor.catchUp(scrollback, offset);
    if (fresh) this.frames.push(fresh, this.cursor.received);
    for (const { offset: at, data } of held) this.output(at, data);
  }

  /** The reattach failed: drop held output. */
  abortAttach(): void {
    this.pending = null;
  }

  /** The shell ended: say how, and take no more input. */
  exit(exitCode: number | null | undefined, signal: string | null | undefined, note?: string): void {
    if (this.exited) return;
    this.pending = null;
    this.frames.flush();
    this.exited = true;
    this.acks.flush();
    this.term.options.disableStdin = true;
    this.term.options.cursorBlink = false;
    this.term.write(`\r\n\x1b[2m${note ?? exitLine(exitCode, signal)}\x1b[0m\r\n`);
  }

  /** A line from the page itself (an error), dimmed. */
  notice(text: string): void {
    this.term.write(`\r\n\x1b[2m${text}\x1b[0m\r\n`);
  }

  setAppearance(theme: ITheme, fontSize: number): void {
    this.term.options.theme = theme;
    if (this.term.options.fontSize !== fontSize) this.term.options.fontSize = fontSize;
  }

  dispose(): void {
    this.acks.dispose();
    this.host.remove();
    this.term.dispose();
  }
}
