// The Output view's data, free of React: a run's output kept within a bound, and the lines the
// view prints about a run (its command, its end).
import type { ServerEvents } from "../api/schema";

export type RunExit = ServerEvents["run:exit"];
export type Stream = ServerEvents["run:output"]["stream"];

export interface Chunk {
  stream: Stream;
  text: string;
}

/** A run's kept output: adjacent chunks of one stream merged, the oldest dropped past the bound. */
export interface OutputBuffer {
  chunks: Chunk[];
  /** Characters kept (the bound counts UTF-16 characters, ~bytes for ASCII output). */
  size: number;
  /** Characters dropped from the start to stay within the bound. */
  dropped: number;
}

/** 2 MB of output per run, 10 runs: the Output view never holds more than ~20 MB. */
export const MAX_RUN_CHARS = 2_000_000;
export const MAX_RUNS = 10;

export const emptyBuffer = (): OutputBuffer => ({ chunks: [], size: 0, dropped: 0 });

/** The buffer with `text` appended (a new object; the old one is left as it was). */
export function appendOutput(buffer: OutputBuffer, stream: Stream, text: string, max = MAX_RUN_CHARS): OutputBuffer {
  if (!text) return buffer;
  const chunks = buffer.chunks.slice();
  const last = chunks[chunks.length - 1];
  if (last && last.stream === stream) chunks[chunks.length - 1] = { stream, text: last.text + text };
  else chunks.push({ stream, text });
  let size = buffer.size + text.length;
  let dropped = buffer.dropped;
  while (size > max && chunks.length) {
    const excess = size - max;
    const first = chunks[0];
    if (first.text.length <= excess) {
      chunks.shift();
      size -= first.text.length;
      dropped += first.text.length;
    } else {
      chunks[0] = { stream: first.stream, text: first.text.slice(excess) };
      size -= excess;
      dropped += excess;
    }
  }
  return { chunks, size, dropped };
}

const SAFE_ARG = /^[\w@%+=:,./^-]+$/;

/** One argument as a POSIX shell would need it written (for showing, never for running). */
export function quoteArg(arg: string): string {
  if (arg === "") return "''";
  return SAFE_ARG.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** `pytest -q 'tests/a b.py'`: a command line to read, unambiguous about its arguments. */
export function formatArgv(argv: readonly string[]): string {
  return argv.map(quoteArg).join(" ");
}

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The line the view prints when a run ends. */
export function exitSummary(exit: RunExit): string {
  if (exit.error) return `could not run: ${exit.error}`;
  const took = ` in ${formatDuration(exit.duration_ms)}`;
  const truncated = exit.truncated ? " (output past the run's limit was dropped)" : "";
  if (exit.timed_out) return `killed by ${exit.signal ?? "SIGKILL"} (timed out)${took}${truncated}`;
  if (exit.cancelled) return `cancelled${exit.signal ? ` (killed by ${exit.signal})` : ""}${took}${truncated}`;
  if (exit.exit_code !== null) return `exited with code ${exit.exit_code}${took}${truncated}`;
  return `killed by ${exit.signal ?? "a signal"}${took}${truncated}`;
}

export const SANDBOX_NAMES: Record<RunExit["sandbox"], string> = {
  bubblewrap: "bubblewrap",
  landlock: "Landlock",
  none: "no sandbox",
};
