import { describe, expect, it } from "vitest";
import { AckBatcher, cpLength, dropCodePoints, FrameBatcher, OutputCursor, type Timers } from "./flow";

describe("code points", () => {
  it("counts an astral character once, as the server's len() does", () => {
    expect(cpLength("ab")).toBe(2);
    expect(cpLength("a😀b")).toBe(3);
    expect(dropCodePoints("😀😀xy", 2)).toBe("xy");
    expect(dropCodePoints("abc", 0)).toBe("abc");
  });
});

describe("OutputCursor", () => {
  it("passes new output through and drops what it already has", () => {
    const c = new OutputCursor();
    expect(c.accept(0, "hello")).toBe("hello");
    expect(c.accept(0, "hello")).toBe("");
    expect(c.accept(5, " world")).toBe(" world");
    expect(c.received).toBe(11);
  });

  it("cuts a partial overlap at the offset it has reached", () => {
    const c = new OutputCursor(3);
    expect(c.accept(1, "bcde")).toBe("de");
    expect(c.accept(4, "e😀f")).toBe("😀f");
    expect(c.received).toBe(7);
  });

  it("catches up from a reattach's scroll-back without repeating what it has", () => {
    const c = new OutputCursor(4);
    // The scroll-back holds output 2..8 ("cdefgh"); the page has 0..4.
    expect(c.catchUp("cdefgh", 8)).toBe("efgh");
    expect(c.received).toBe(8);
    // Output the scroll-back covered is dropped afterwards.
    expect(c.accept(6, "gh")).toBe("");
    expect(c.accept(8, "i")).toBe("i");
  });

  it("writes the whole scroll-back on a fresh page, and nothing when it is not newer", () => {
    const c = new OutputCursor();
    expect(c.catchUp("tail", 1000)).toBe("tail");
    expect(c.catchUp("tail", 1000)).toBe("");
  });
});

function fakeTimers() {
  const pending = new Map<number, () => void>();
  let id = 0;
  const timers: Timers = {
    set: (fn) => {
      pending.set(++id, fn);
      return id;
    },
    clear: (handle) => pending.delete(handle as number),
  };
  const fire = () => {
    const fns = [...pending.values()];
    pending.clear();
    for (const fn of fns) fn();
  };
  return { timers, pending, fire };
}

describe("AckBatcher", () => {
  it("acks small writes once, after the delay, with the latest offset", () => {
    const sent: number[] = [];
    const t = fakeTimers();
    const acks = new AckBatcher((o) => sent.push(o), 0, 1000, 100, t.timers);
    acks.drawn(10);
    acks.drawn(20);
    acks.drawn(30);
    expect(sent).toEqual([]);
    expect(t.pending.size).toBe(1);
    t.fire();
    expect(sent).toEqual([30]);
  });

  it("acks at once when a window's worth was drawn", () => {
    const sent: number[] = [];
    const t = fakeTimers();
    const acks = new AckBatcher((o) => sent.push(o), 0, 1000, 100, t.timers);
    acks.drawn(400);
    acks.drawn(1200);
    expect(sent).toEqual([1200]);
    expect(t.pending.size).toBe(0);
    acks.drawn(1100); // older than what was acked: nothing to say
    t.fire();
    expect(sent).toEqual([1200]);
  });
});

describe("FrameBatcher", () => {
  it("joins every chunk of a frame into one write ending at the last offset", () => {
    const writes: [string, number][] = [];
    const frames: (() => void)[] = [];
    const batcher = new FrameBatcher(
      (data, end) => writes.push([data, end]),
      (fn) => frames.push(fn),
    );
    batcher.push("a", 1);
    batcher.push("bc", 3);
    batcher.push("d", 4);
    expect(frames).toHaveLength(1);
    expect(writes).toEqual([]);
    frames[0]();
    expect(writes).toEqual([["abcd", 4]]);
    batcher.push("e", 5);
    expect(frames).toHaveLength(2);
  });

  it("keeps pieces below the maximum so acks can flow while xterm parses the rest", () => {
    const writes: [string, number][] = [];
    const frames: (() => void)[] = [];
    const batcher = new FrameBatcher(
      (data, end) => writes.push([data, end]),
      (fn) => frames.push(fn),
      4,
    );
    batcher.push("ab", 2);
    batcher.push("cd", 4);
    batcher.push("efghij", 10); // bigger than a piece: written alone
    batcher.push("k", 11);
    frames[0]();
    expect(writes).toEqual([
      ["abcd", 4],
      ["efghij", 10],
      ["k", 11],
    ]);
  });
});
