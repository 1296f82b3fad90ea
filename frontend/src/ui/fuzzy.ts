// Client-side fuzzy matching: the server ranks files; this marks which characters matched (quick
// open, @-mentions) and filters/ranks commands in the palette.

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

export interface PathHighlight {
  /** Matched character indices in the file name. */
  name: number[];
  /** Matched character indices in the directory (the path before the last "/"). */
  dir: number[];
}

/**
 * Which characters of `path` to highlight for a file query, as quick open shows them: a
 * contiguous occurrence in the file name first (so "app" marks "app" in "myapp.py", not
 * scattered letters), then a fuzzy match in the name, then over the whole path (a query with
 * a "/" or words spread over folders), split into the name's and the directory's indices.
 */
export function highlightPath(query: string, path: string): PathHighlight {
  const slash = path.lastIndexOf("/");
  const name = path.slice(slash + 1);
  const q = query.replace(/\s+/g, "").toLowerCase();
  if (!q) return { name: [], dir: [] };
  const at = contiguous(q, name);
  if (at >= 0) return { name: range(at, q.length), dir: [] };
  if (!q.includes("/")) {
    const inName = fuzzyMatch(q, name);
    if (inName) return { name: inName.indices, dir: [] };
  }
  const whole = contiguous(q, path);
  const indices = whole >= 0 ? range(whole, q.length) : (matchWords(query, path) ?? []);
  return {
    name: indices.filter((i) => i > slash).map((i) => i - slash - 1),
    dir: indices.filter((i) => i < slash),
  };
}

/** The best start of `q` in `text` (case-insensitive): a word start, else the last one. */
function contiguous(q: string, text: string): number {
  const t = text.toLowerCase();
  let best = -1;
  for (let at = t.indexOf(q); at >= 0; at = t.indexOf(q, at + 1)) {
    if (at === 0 || /[\\/_\-. ]/.test(text[at - 1])) return at;
    best = at;
  }
  return best;
}

/** Each space-separated word fuzzily in the path (in any order), their indices merged. */
function matchWords(query: string, path: string): number[] | null {
  const out = new Set<number>();
  for (const word of query.trim().split(/\s+/)) {
    const at = contiguous(word.toLowerCase(), path);
    const indices = at >= 0 ? range(at, word.length) : fuzzyMatch(word, path)?.indices;
    if (!indices) return null;
    indices.forEach((i) => out.add(i));
  }
  return [...out].sort((a, b) => a - b);
}

function range(start: number, length: number): number[] {
  return Array.from({ length }, (_, i) => start + i);
}
