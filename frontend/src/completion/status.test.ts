import { describe, expect, it } from "vitest";
import { completionLabel, shortError } from "./status";

describe("the status item's text", () => {
  it("names the state; an error is short and names the setting to change", () => {
    expect(completionLabel("on", null)).toBe("Completion");
    expect(completionLabel("off", null)).toBe("Completion: off");
    expect(completionLabel("working", null)).toBe("Completion …");
    const timeout =
      "The completion model (local:smollm2) did not answer within 3s (ai.autocomplete.timeout): it was stopped.";
    expect(completionLabel("error", timeout, 504)).toBe("Completion: timed out (ai.autocomplete.timeout)");
    expect(shortError("The embedded model could not start (ai.local)", 503)).toBe("model unavailable (ai.local)");
    expect(shortError("connection refused", 503)).toBe("model unavailable");
    expect(shortError("x".repeat(100), null)).toHaveLength(60);
  });
});
