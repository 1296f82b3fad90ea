// The suggestion cache, keyed on the text before the cursor and consulted before any debounce:
// when the user types the first characters of a suggestion that was answered for an earlier
// prefix, the rest of it is still the answer, so it is shown again at once with no request.

export interface CachedSuggestion {
  /** The server's response id (feedback goes to the original answer). */
  id: string;
  /** What is left of the suggestion after what was typed since it was answered. */
  text: string;
  model: string;
}

interface Entry {
  path: string;
  prefix: string;
  suffix: string;
  id: string;
  model: string;
  /** "" caches "nothing useful here" (only for this exact position). */
  text: string;
}

export class SuggestionCache {
  private entries: Entry[] = [];

  constructor(private readonly capacity = 32) {}

  /** Remembers the answer for a prefix (most recent first; the oldest falls out). */
  put(path: string, prefix: string, suffix: string, answer: { id: string; text: string; model: string }): void {
    this.entries = this.entries.filter((e) => !(e.path === path && e.prefix === prefix));
    this.entries.unshift({ path, prefix, suffix, ...answer });
    if (this.entries.length > this.capacity) this.entries.length = this.capacity;
  }

  /**
   * The answer for `prefix`: an exact hit (possibly "nothing": text ""), or the remainder of a
   * suggestion the user has been typing through (typed text equals the suggestion's start,
   * the text after the cursor unchanged). Undefined: not known, ask the server.
   */
  lookup(path: string, prefix: string, suffix: string): CachedSuggestion | undefined {
    for (const e of this.entries) {
      if (e.path !== path || e.suffix !== suffix || prefix.length < e.prefix.length) continue;
      if (!prefix.startsWith(e.prefix)) continue;
      const typed = prefix.slice(e.prefix.length);
      if (typed === "") return { id: e.id, text: e.text, model: e.model };
      // Typed all of it (nothing left to show) or diverged: not an answer for this prefix.
      if (typed.length < e.text.length && e.text.startsWith(typed)) {
        return { id: e.id, text: e.text.slice(typed.length), model: e.model };
      }
    }
    return undefined;
  }

  clear(): void {
    this.entries = [];
  }

  get size(): number {
    return this.entries.length;
  }
}
