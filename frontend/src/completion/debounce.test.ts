import { describe, expect, it } from "vitest";
import { debounceDelay, DEFAULT_DEBOUNCE_MS, KeystrokeRhythm, MAX_DEBOUNCE_MS, MIN_DEBOUNCE_MS } from "./debounce";

describe("debounceDelay", () => {
  it("starts from the default before any rhythm or latency is known", () => {
    expect(debounceDelay(null, null)).toBe(DEFAULT_DEBOUNCE_MS);
  });

  it("waits a little longer than the typing interval", () => {
    expect(debounceDelay(100, null)).toBe(125);
    expect(debounceDelay(40, 20)).toBe(50);
  });

  it("waits longer after slow answers (a quarter of the last latency)", () => {
    expect(debounceDelay(40, 800)).toBe(200);
  });

  it("stays within Zed's and Continue's figures", () => {
    expect(debounceDelay(1, 1)).toBe(MIN_DEBOUNCE_MS);
    expect(debounceDelay(900, 5000)).toBe(MAX_DEBOUNCE_MS);
  });
});

describe("KeystrokeRhythm", () => {
  it("smooths the interval between keys and ignores pauses", () => {
    const rhythm = new KeystrokeRhythm();
    rhythm.record(0);
    expect(rhythm.interval).toBeNull();
    rhythm.record(100);
    expect(rhythm.interval).toBe(100);
    rhythm.record(5000); // a pause, not a rhythm
    expect(rhythm.interval).toBe(100);
    rhythm.record(5200);
    expect(rhythm.interval).toBeCloseTo(130);
  });
});
