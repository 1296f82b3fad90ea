// The keyboard shortcuts list: every key Pairpad binds and every key Monaco binds in the editor,
// one row per key. Pure: the rows come from the command registry and Monaco's keymap.
import { commandLabel, type Command } from "../workbench/commands";
import { formatKeybinding } from "../ui/keybindings";
import type { EditorAction } from "./merge";

export interface ShortcutRow {
  label: string;
  keyLabel: string;
  command: string;
  /** "Workbench": works everywhere (runs before the editor sees the key); "Editor": in the editor. */
  source: "Workbench" | "Editor";
}

/** "editor.action.insertCursorBelow" / "cursorWordLeftSelect" → "Insert Cursor Below" / "Cursor Word Left Select". */
export function humanizeCommand(id: string): string {
  const last = id.split(".").pop() ?? id;
  return last
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .replace(/^./, (c) => c.toUpperCase());
}

/**
 * Ours first, then Monaco's; a Monaco key that one of ours takes (the same key label, or the same
 * command) is left out: our key handler runs first, so Monaco's binding never fires.
 */
export function shortcutRows(
  ours: Command[],
  actions: EditorAction[],
  monacoKeys: { command: string; keyLabel: string }[],
  mac?: boolean,
): ShortcutRow[] {
  const rows: ShortcutRow[] = [];
  for (const c of ours) {
    for (const key of [c.keybinding, ...(c.altKeybindings ?? [])]) {
      if (key)
        rows.push({ label: commandLabel(c), keyLabel: formatKeybinding(key, mac), command: c.id, source: "Workbench" });
    }
  }
  const taken = new Set(rows.map((r) => r.keyLabel.toLowerCase()));
  const ourIds = new Set(ours.map((c) => c.id));
  const labels = new Map(actions.map((a) => [a.id, a.label]));
  const seen = new Set<string>();
  for (const { command, keyLabel } of monacoKeys) {
    const key = `${command}\n${keyLabel}`;
    if (ourIds.has(command) || taken.has(keyLabel.toLowerCase()) || seen.has(key)) continue;
    seen.add(key);
    rows.push({ label: labels.get(command) || humanizeCommand(command), keyLabel, command, source: "Editor" });
  }
  return rows;
}

/** Rows whose title, key or command id contain every word of the query (case-insensitive). */
export function filterShortcuts(rows: ShortcutRow[], query: string): ShortcutRow[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return rows;
  return rows.filter((r) => {
    const text = `${r.label} ${r.keyLabel} ${r.command}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}
