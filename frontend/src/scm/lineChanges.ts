// The changed lines of a file against a base (HEAD): what the editor's gutter marks. Pure.

export interface LineChange {
  kind: "added" | "modified" | "deleted";
  /** 1-based lines of the current text; a deletion marks the line after which lines went (0: the top). */
  start: number;
  end: number;
  /** 1-based lines of the base the change replaces (none for an addition: oldEnd < oldStart). */
  oldStart: number;
  oldEnd: number;
}

/** Above this many cells the middle is compared as one block (a rewrite reads as one change). */
const MAX_CELLS = 4_000_000;

export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export function lineChanges(base: string[], current: string[]): LineChange[] {
  let head = 0;
  while (head < base.length && head < current.length && base[head] === current[head]) head++;
  let tail = 0;
  while (
    tail < base.length - head &&
    tail < current.length - head &&
    base[base.length - 1 - tail] === current[current.length - 1 - tail]
  )
    tail++;
  const a = base.slice(head, base.length - tail);
  const b = current.slice(head, current.length - tail);
  if (!a.length && !b.length) return [];
  const pairs = a.length * b.length > MAX_CELLS ? [] : matches(a, b);
  // Walk the matched pairs; what lies between two matches is one change.
  const changes: LineChange[] = [];
  let i = 0;
  let j = 0;
  for (const [mi, mj] of [...pairs, [a.length, b.length] as const]) {
    if (mi > i || mj > j) changes.push(change(head + i, mi - i, head + j, mj - j));
    i = mi + 1;
    j = mj + 1;
  }
  return changes;
}

/** A change of `removed` base lines after base index `oldAt` and `added` lines at current index `at` (0-based). */
function change(oldAt: number, removed: number, at: number, added: number): LineChange {
  const oldStart = oldAt + 1;
  const oldEnd = oldAt + removed;
  if (added === 0) return { kind: "deleted", start: at, end: at, oldStart, oldEnd };
  return { kind: removed === 0 ? "added" : "modified", start: at + 1, end: at + added, oldStart, oldEnd };
}

/** The longest common subsequence of two line lists, as index pairs in order. */
function matches(a: string[], b: string[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  const table = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * width + j] =
        a[i] === b[j]
          ? table[(i + 1) * width + j + 1] + 1
          : Math.max(table[(i + 1) * width + j], table[i * width + j + 1]);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (table[(i + 1) * width + j] >= table[i * width + j + 1]) i++;
    else j++;
  }
  return pairs;
}
