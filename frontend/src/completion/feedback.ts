// Acceptance data: one "shown" per answer the user saw, then what became of it — accepted
// (Tab), partial (accept word, with the characters taken) or dismissed (it went away without
// being taken: Esc, typing something else, moving away). Typing through a suggestion shows the
// same answer again (from the cache), so a release only counts as a dismissal when the answer
// is not shown again shortly after.
import type { FeedbackBody } from "./types";

export const DISMISS_GRACE_MS = 1500;

interface Outcome {
  shown: boolean;
  accepted: boolean;
  partialChars: number;
  dismissTimer: ReturnType<typeof setTimeout> | null;
}

export class FeedbackTracker {
  private readonly outcomes = new Map<string, Outcome>();

  constructor(
    private readonly send: (body: FeedbackBody) => void,
    private readonly timers: {
      set: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>;
      clear: (t: ReturnType<typeof setTimeout>) => void;
    } = { set: (fn, ms) => setTimeout(fn, ms), clear: (t) => clearTimeout(t) },
  ) {}

  private outcome(id: string): Outcome {
    let o = this.outcomes.get(id);
    if (!o) this.outcomes.set(id, (o = { shown: false, accepted: false, partialChars: 0, dismissTimer: null }));
    // Bounded: the oldest answers are forgotten.
    if (this.outcomes.size > 200) this.outcomes.delete(this.outcomes.keys().next().value as string);
    return o;
  }

  private keep(o: Outcome): void {
    if (o.dismissTimer !== null) this.timers.clear(o.dismissTimer);
    o.dismissTimer = null;
  }

  shown(id: string): void {
    const o = this.outcome(id);
    this.keep(o);
    if (o.shown) return;
    o.shown = true;
    this.send({ id, outcome: "shown" });
  }

  accepted(id: string): void {
    const o = this.outcome(id);
    this.keep(o);
    if (o.accepted) return;
    o.accepted = true;
    this.send({ id, outcome: "accepted" });
  }

  partial(id: string, acceptedChars: number): void {
    const o = this.outcome(id);
    this.keep(o);
    o.partialChars += acceptedChars;
    this.send({ id, outcome: "partial", accepted_chars: o.partialChars });
  }

  /** Monaco let go of the answer: dismissed, unless it comes back (typing through) or was taken. */
  released(id: string): void {
    const o = this.outcomes.get(id);
    if (!o || !o.shown || o.accepted || o.dismissTimer !== null) return;
    o.dismissTimer = this.timers.set(() => {
      o.dismissTimer = null;
      if (o.accepted || o.partialChars > 0) return;
      this.outcomes.delete(id);
      this.send({ id, outcome: "dismissed" });
    }, DISMISS_GRACE_MS);
  }
}
