import { describe, expect, it } from "vitest";
import { DISMISS_GRACE_MS, FeedbackTracker } from "./feedback";
import type { FeedbackBody } from "./types";

function setup() {
  const sent: FeedbackBody[] = [];
  const pending: { fn: () => void; at: number }[] = [];
  let now = 0;
  const tracker = new FeedbackTracker((b) => sent.push(b), {
    set: (fn, ms) => {
      const entry = { fn, at: now + ms };
      pending.push(entry);
      return entry as unknown as ReturnType<typeof setTimeout>;
    },
    clear: (t) => {
      const i = pending.indexOf(t as unknown as (typeof pending)[number]);
      if (i >= 0) pending.splice(i, 1);
    },
  });
  const advance = (ms: number) => {
    now += ms;
    for (const p of pending.filter((p) => p.at <= now)) {
      pending.splice(pending.indexOf(p), 1);
      p.fn();
    }
  };
  return { tracker, sent, advance };
}

describe("FeedbackTracker", () => {
  it("one 'shown' per answer, then 'accepted'", () => {
    const { tracker, sent, advance } = setup();
    tracker.shown("r1");
    tracker.shown("r1");
    tracker.released("r1");
    tracker.accepted("r1");
    advance(DISMISS_GRACE_MS * 2);
    expect(sent).toEqual([
      { id: "r1", outcome: "shown" },
      { id: "r1", outcome: "accepted" },
    ]);
  });

  it("released and not shown again: dismissed after the grace period", () => {
    const { tracker, sent, advance } = setup();
    tracker.shown("r1");
    tracker.released("r1");
    advance(DISMISS_GRACE_MS - 1);
    expect(sent).toHaveLength(1);
    advance(1);
    expect(sent.at(-1)).toEqual({ id: "r1", outcome: "dismissed" });
  });

  it("typing through (shown again after release) is not a dismissal", () => {
    const { tracker, sent, advance } = setup();
    tracker.shown("r1");
    tracker.released("r1");
    advance(100);
    tracker.shown("r1");
    advance(DISMISS_GRACE_MS * 2);
    expect(sent).toEqual([{ id: "r1", outcome: "shown" }]);
  });

  it("partial accepts report the characters taken so far and are not dismissals", () => {
    const { tracker, sent, advance } = setup();
    tracker.shown("r1");
    tracker.partial("r1", 4);
    tracker.partial("r1", 3);
    tracker.released("r1");
    advance(DISMISS_GRACE_MS * 2);
    expect(sent.slice(1)).toEqual([
      { id: "r1", outcome: "partial", accepted_chars: 4 },
      { id: "r1", outcome: "partial", accepted_chars: 7 },
    ]);
  });

  it("never-shown answers are not dismissed", () => {
    const { tracker, sent, advance } = setup();
    tracker.released("r2");
    advance(DISMISS_GRACE_MS * 2);
    expect(sent).toEqual([]);
  });
});
