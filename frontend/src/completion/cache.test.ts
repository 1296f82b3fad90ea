import { describe, expect, it } from "vitest";
import { SuggestionCache } from "./cache";

const answer = (text: string, id = "r1") => ({ id, text, model: "local:smol" });

describe("SuggestionCache", () => {
  it("answers an exact prefix with the whole suggestion", () => {
    const cache = new SuggestionCache();
    cache.put("a.py", "def f():\n    return ", "\n", answer("a + b"));
    expect(cache.lookup("a.py", "def f():\n    return ", "\n")).toEqual({
      id: "r1",
      text: "a + b",
      model: "local:smol",
    });
  });

  it("typing through a suggestion returns the rest of it (same response id)", () => {
    const cache = new SuggestionCache();
    cache.put("a.py", "x = ", "", answer("foo(bar)"));
    expect(cache.lookup("a.py", "x = f", "")?.text).toBe("oo(bar)");
    expect(cache.lookup("a.py", "x = foo(", "")).toEqual({ id: "r1", text: "bar)", model: "local:smol" });
  });

  it("a typed character that does not match the suggestion is a miss", () => {
    const cache = new SuggestionCache();
    cache.put("a.py", "x = ", "", answer("foo(bar)"));
    expect(cache.lookup("a.py", "x = g", "")).toBeUndefined();
    expect(cache.lookup("a.py", "x = fox", "")).toBeUndefined();
  });

  it("having typed all of it leaves nothing to show: a miss, not an empty answer", () => {
    const cache = new SuggestionCache();
    cache.put("a.py", "x = ", "", answer("foo"));
    expect(cache.lookup("a.py", "x = foo", "")).toBeUndefined();
  });

  it("other paths, other text after the cursor, shorter prefixes miss", () => {
    const cache = new SuggestionCache();
    cache.put("a.py", "x = ", ")", answer("foo"));
    expect(cache.lookup("b.py", "x = ", ")")).toBeUndefined();
    expect(cache.lookup("a.py", "x = ", "")).toBeUndefined();
    expect(cache.lookup("a.py", "x =", ")")).toBeUndefined();
  });

  it("remembers 'nothing here' for the exact prefix only", () => {
    const cache = new SuggestionCache();
    cache.put("a.py", "x = ", "", answer(""));
    expect(cache.lookup("a.py", "x = ", "")).toEqual({ id: "r1", text: "", model: "local:smol" });
    expect(cache.lookup("a.py", "x = 1", "")).toBeUndefined();
  });

  it("is bounded: the oldest entry falls out; a newer answer for the same prefix replaces the old", () => {
    const cache = new SuggestionCache(2);
    cache.put("a.py", "1", "", answer("a", "r1"));
    cache.put("a.py", "2", "", answer("b", "r2"));
    cache.put("a.py", "2", "", answer("c", "r3"));
    expect(cache.size).toBe(2);
    expect(cache.lookup("a.py", "2", "")?.id).toBe("r3");
    cache.put("a.py", "3", "", answer("d", "r4"));
    expect(cache.lookup("a.py", "1", "")).toBeUndefined();
  });
});
