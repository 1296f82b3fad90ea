import { describe, expect, it } from "vitest";
import type { SearchMatch } from "../api/types";
import { combineGlobs, expandReplacement, lineMatches, planFile, queryRegex, splitGlobs } from "./replace";

const plain = { regex: false, caseSensitive: false };
const seen = (line: number, text: string, ranges: [number, number][], text_start = 1): SearchMatch => ({
  path: "a.py",
  line,
  column: ranges[0][0],
  text,
  text_start,
  ranges,
});

describe("preview", () => {
  it("lists each match of a line with what it becomes", () => {
    const re = queryRegex("vat", plain)!;
    expect(lineMatches("VAT = vat_rate(vat)", re, "tax", false).map((m) => [m.start, m.text, m.replacement])).toEqual([
      [0, "VAT", "tax"],
      [6, "vat", "tax"],
      [15, "vat", "tax"],
    ]);
  });

  it("expands groups in regex mode", () => {
    const re = queryRegex("(\\w+)_cents", { regex: true, caseSensitive: true })!;
    expect(lineMatches("total_cents + fee_cents", re, "$1_eur", true).map((m) => m.replacement)).toEqual([
      "total_eur",
      "fee_eur",
    ]);
    const m = /(?<a>x)(y)/.exec("xy")!;
    expect(expandReplacement("$<a>-$2-$&-$$-$9", m)).toBe("x-y-xy-$-$9");
  });

  it("a query that does not compile has no regex", () => {
    expect(queryRegex("(", { regex: true, caseSensitive: false })).toBeNull();
  });
});

describe("planFile", () => {
  const content = "VAT_RATE = 0.2\nx = VAT_RATE * VAT_RATE\r\nend\n";
  const found = [
    seen(1, "VAT_RATE = 0.2", [[1, 9]]),
    seen(2, "x = VAT_RATE * VAT_RATE", [
      [5, 13],
      [16, 24],
    ]),
  ];

  it("replaces only the chosen matches, keeping line endings", () => {
    const plan = planFile(
      content,
      found,
      [
        { line: 1, ordinal: 0 },
        { line: 2, ordinal: 1 },
      ],
      "vat_rate",
      "TAX",
      plain,
    );
    expect(plan).toEqual({ ok: true, content: "TAX = 0.2\nx = VAT_RATE * TAX\r\nend\n", replaced: 2 });
  });

  it("refuses a file whose line changed since the search", () => {
    const changed = content.replace("x = VAT_RATE", "y = VAT_RATE");
    const plan = planFile(changed, found, [{ line: 2, ordinal: 0 }], "vat_rate", "TAX", plain);
    expect(plan).toEqual({ ok: false, reason: "line 2 changed since the search" });
  });

  it("refuses when a line gained a match, or the line is gone", () => {
    const more = "VAT_RATE = VAT_RATE\n";
    expect(planFile(more, found, [{ line: 1, ordinal: 0 }], "vat_rate", "T", plain).ok).toBe(false);
    expect(planFile("", found, [{ line: 2, ordinal: 0 }], "vat_rate", "T", plain)).toEqual({
      ok: false,
      reason: "line 2 changed since the search",
    });
  });

  it("accepts a line the search cut around its match", () => {
    const long = `${"a".repeat(300)} needle ${"b".repeat(300)}`;
    const cut = seen(1, `…${"a".repeat(10)} needle ${"b".repeat(10)}…`, [[302, 308]], 291);
    const plan = planFile(long, [cut], [{ line: 1, ordinal: 0 }], "needle", "pin", plain);
    expect(plan.ok && plan.content).toBe(`${"a".repeat(300)} pin ${"b".repeat(300)}`);
  });
});

describe("globs", () => {
  it("appends the excludes as negated globs, braces kept whole", () => {
    expect(combineGlobs("*.py, src/**", "tests/**, !build/**, *.{md,txt}")).toBe(
      "*.py,src/**,!tests/**,!build/**,!*.{md,txt}",
    );
    expect(combineGlobs("", "")).toBe("");
    expect(splitGlobs("a,{b,c},,d")).toEqual(["a", "{b,c}", "d"]);
  });
});
