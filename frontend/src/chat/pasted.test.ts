import { describe, expect, it } from "vitest";
import { looksLikeError } from "./pasted";

describe("looksLikeError", () => {
  it("recognises tracebacks and compiler errors", () => {
    expect(
      looksLikeError('Traceback (most recent call last):\n  File "a.py", line 1\nZeroDivisionError: division by zero'),
    ).toBe(true);
    expect(looksLikeError("TypeError: x is undefined\n    at f (app.js:3:5)")).toBe(true);
    expect(looksLikeError("error[E0382]: borrow of moved value\n --> src/main.rs:4:20")).toBe(true);
  });
  it("leaves ordinary text and one-liners alone", () => {
    expect(looksLikeError("Why does this fail?")).toBe(false);
    expect(looksLikeError("ValueError: bad")).toBe(false);
    expect(looksLikeError("first line\nsecond line")).toBe(false);
  });
});
