// The line the delete confirmation adds when open files under the target have unsaved edits.

const MAX_NAMED = 5;

/** "Unsaved changes in 2 open files will be lost: a.py, b/c.py." — or null when there are none. */
export function unsavedChangesWarning(paths: readonly string[]): string | null {
  if (paths.length === 0) return null;
  const sorted = [...paths].sort();
  const named = sorted.slice(0, MAX_NAMED).join(", ");
  const more = sorted.length > MAX_NAMED ? ` and ${sorted.length - MAX_NAMED} more` : "";
  const files = sorted.length === 1 ? "1 open file" : `${sorted.length} open files`;
  return `Unsaved changes in ${files} will be lost: ${named}${more}.`;
}
