// Client-side fuzzy matching: the server ranks files; this marks which characters matched
// and filters/ranks commands in the palette.

export interface FuzzyMatch {
  score: number;
  /** Indices into the target string that matched the query, ascending. */
  indices: number[];
}

/**
 * Subsequence match, case-insensitive, preferring matches at word starts and in the
 * file name (the part after the last "/"). Returns null when not every query character
 * appears in order.
 */
export function fuzzyMatch(query: string, target: string): FuzzyMatch | null {
  const q = query.replace(/\s+/g, "").toLowerCase();
  if (!q) return { score: 0, indices: [] };
  const t = target.toLowerCase();
  const nameStart = target.lastIndexOf("/") + 1;
  // Try to match within the file name first; fall back to the whole path.
  return matchFrom(q, t, target, nameStart, 20) ?? matchFrom(q, t, target, 0, 0);
}

function matchFrom(q: string, t: string, original: string, from: number, bonus: number): FuzzyMatch | null {
  const indices: number[] = [];
  let score = bonus;
  let qi = 0;
  let prev = -2;
  for (let i = from; i < t.length && qi < q.length; i++) {
    if (t[i] !== q[qi]) continue;
    indices.push(i);
    if (prev === i - 1) score += 5;
    if (i === 0 || /[\\/_\-. ]/.test(original[i - 1]) || (isUpper(original[i]) && !isUpper(original[i - 1])))
      score += 8;
    score += 1;
    prev = i;
    qi++;
  }
  if (qi < q.length) return null;
  score -= Math.min(t.length, 50) * 0.1;
  return { score, indices };
}

function isUpper(ch: string | undefined): boolean {
  return !!ch && ch !== ch.toLowerCase();
}

export interface HighlightSegment {
  text: string;
  match: boolean;
}

/** Splits `text` into runs of matched / unmatched characters for rendering. */
export function highlightSegments(text: string, indices: number[]): HighlightSegment[] {
  const set = new Set(indices);
  const segments: HighlightSegment[] = [];
  for (let i = 0; i < text.length; i++) {
    const match = set.has(i);
    const last = segments[segments.length - 1];
    if (last && last.match === match) last.text += text[i];
    else segments.push({ text: text[i], match });
  }
  return segments;
}

/** Filters and sorts items by fuzzy score, best first; stable for equal scores. */
export function fuzzyFilter<T>(query: string, items: T[], text: (item: T) => string): { item: T; match: FuzzyMatch }[] {
  const out: { item: T; match: FuzzyMatch; order: number }[] = [];
  items.forEach((item, order) => {
    const match = fuzzyMatch(query, text(item));
    if (match) out.push({ item, match, order });
  });
  if (query.trim()) out.sort((a, b) => b.match.score - a.match.score || a.order - b.order);
  return out.map(({ item, match }) => ({ item, match }));
}
