import { describe, expect, it } from "vitest";
import { pushRecent } from "./recent";

describe("recent files", () => {
  it("moves a reopened file to the front and caps the list", () => {
    expect(pushRecent(["a", "b", "c"], "b")).toEqual(["b", "a", "c"]);
    expect(pushRecent(["a", "b"], "c", 2)).toEqual(["c", "a"]);
  });
});
