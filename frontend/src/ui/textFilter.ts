// The plain substring filter of the quick pickers whose lists are small and local.
/** The items whose text contains the query (trimmed, any case); all of them for an empty query. */
export function filterByText<T>(items: readonly T[], query: string, textOf: (item: T) => string): T[] {
  const q = query.trim().toLowerCase();
  return items.filter((item) => !q || textOf(item).toLowerCase().includes(q));
}
