import { describe, expect, it } from "vitest";
import { appendOutput, emptyBuffer, exitSummary, formatArgv, quoteArg, type RunExit } from "./output";

describe("appendOutput", () => {
  it("merges adjacent chunks of one stream and keeps the streams apart", () => {
    let b = emptyBuffer();
    b = appendOutput(b, "stdout", "a");
    b = appendOutput(b, "stdout", "b");
    b = appendOutput(b, "stderr", "E");
    b = appendOutput(b, "stdout", "c");
    expect(b.chunks).toEqual([
      { stream: "stdout", text: "ab" },
      { stream: "stderr", text: "E" },
      { stream: "stdout", text: "c" },
    ]);
    expect(b.size).toBe(4);
  });

  it("keeps at most `max` characters, dropping the oldest and counting them", () => {
    let b = emptyBuffer();
    b = appendOutput(b, "stdout", "0123456789", 12);
    b = appendOutput(b, "stderr", "abcdef", 12);
    expect(b.chunks).toEqual([
      { stream: "stdout", text: "456789" },
      { stream: "stderr", text: "abcdef" },
    ]);
    expect([b.size, b.dropped]).toEqual([12, 4]);
    b = appendOutput(b, "stdout", "XXXXXXXXXXXXXXXXXXXX", 12);
    expect(b.chunks).toEqual([{ stream: "stdout", text: "XXXXXXXXXXXX" }]);
    expect([b.size, b.dropped]).toEqual([12, 24]);
  });

  it("leaves the old buffer as it was", () => {
    const a = appendOutput(emptyBuffer(), "stdout", "x");
    appendOutput(a, "stdout", "y");
    expect(a.chunks).toEqual([{ stream: "stdout", text: "x" }]);
  });
});

describe("formatArgv", () => {
  it("quotes what a shell would split or expand, and nothing else", () => {
    expect(formatArgv(["pytest", "-q", "tests/test_a.py::test_x"])).toBe("pytest -q tests/test_a.py::test_x");
    expect(formatArgv(["sh", "-c", "rm -rf ~; echo $HOME", "", "it's"])).toBe(
      `sh -c 'rm -rf ~; echo $HOME' '' 'it'\\''s'`,
    );
    expect(quoteArg("--flag=a,b")).toBe("--flag=a,b");
  });
});

describe("exitSummary", () => {
  const exit = (over: Partial<RunExit>): RunExit => ({
    run_id: "r",
    exit_code: 0,
    signal: null,
    timed_out: false,
    cancelled: false,
    truncated: false,
    duration_ms: 2300,
    sandbox: "bubblewrap",
    error: null,
    ...over,
  });
  it("says how the run ended", () => {
    expect(exitSummary(exit({ exit_code: 1 }))).toBe("exited with code 1 in 2.3 s");
    expect(exitSummary(exit({ exit_code: null, signal: "SIGKILL", timed_out: true }))).toBe(
      "killed by SIGKILL (timed out) in 2.3 s",
    );
    expect(exitSummary(exit({ exit_code: null, signal: "SIGKILL", cancelled: true }))).toBe(
      "cancelled (killed by SIGKILL) in 2.3 s",
    );
    expect(exitSummary(exit({ error: "bwrap: cannot run" }))).toBe("could not run: bwrap: cannot run");
    expect(exitSummary(exit({ truncated: true, duration_ms: 125_000 }))).toBe(
      "exited with code 0 in 2 min 5 s (output past the run's limit was dropped)",
    );
  });
});
