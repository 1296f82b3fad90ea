// Opening a file's source-control diff in an editor tab.
import { useTabs } from "../stores/tabs";

/** Index ↔ working tree (the file's buffer, editable). */
export const CHANGES_DIFF = "scm-changes";
/** HEAD ↔ index (read-only). */
export const STAGED_DIFF = "scm-staged";

export function openChangeDiff(path: string, staged: boolean, preview = true): void {
  useTabs.getState().open({ kind: staged ? STAGED_DIFF : CHANGES_DIFF, path }, { preview });
}
