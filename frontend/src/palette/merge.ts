// One command palette: our commands and the focused editor's Monaco actions (Format Document,
// Toggle Line Comment, …) in one list. Pure, so the merging rules are tested apart from Monaco.
import { commandLabel, type Command } from "../workbench/commands";
import { formatKeybinding } from "../ui/keybindings";

/** A Monaco editor action as the palette needs it. */
export interface EditorAction {
  id: string;
  label: string;
  /** Monaco's own label of its keybinding ("Ctrl+Shift+I", "Ctrl+K Ctrl+C"). */
  keyLabel?: string;
  run: () => void | Promise<void>;
}

/** A palette row: a command with the label of its key, whichever side it came from. */
export interface PaletteCommand {
  id: string;
  label: string;
  keyLabel?: string;
  /** "editor" for a Monaco action (runs on the editor that had focus). */
  source: "workbench" | "editor";
  run: () => void | Promise<void>;
}

/** Monaco actions the palette never lists: its own palette (ours replaces it). */
const HIDDEN_ACTIONS = new Set(["editor.action.quickCommand"]);

/** "Go to Line/Column..." and "Go to Line/Column…" are the same entry. */
export function normalizeLabel(label: string): string {
  return label
    .replace(/(\.\.\.|…)$/, "")
    .trim()
    .toLowerCase();
}

/**
 * Our commands first-class; a Monaco action joins unless one of ours has its id or its title
 * (with or without our category), so "Format Document" appears once, with our keybinding.
 */
export function mergeCommands(ours: Command[], actions: EditorAction[], mac?: boolean): PaletteCommand[] {
  const ids = new Set(ours.map((c) => c.id));
  const labels = new Set(ours.flatMap((c) => [normalizeLabel(c.title), normalizeLabel(commandLabel(c))]));
  const out: PaletteCommand[] = ours.map((c) => ({
    id: c.id,
    label: commandLabel(c),
    keyLabel: c.keybinding ? formatKeybinding(c.keybinding, mac) : undefined,
    source: "workbench",
    run: c.run,
  }));
  for (const a of actions) {
    const label = normalizeLabel(a.label);
    if (!a.label || HIDDEN_ACTIONS.has(a.id) || ids.has(a.id) || labels.has(label)) continue;
    ids.add(a.id);
    labels.add(label);
    out.push({ id: a.id, label: a.label, keyLabel: a.keyLabel, source: "editor", run: a.run });
  }
  return out.sort((a, b) => a.label.localeCompare(b.label));
}

/** Splits a key label into the keys to draw ("Ctrl+K Ctrl+C" → chords of keys). */
export function keyChords(keyLabel: string): string[][] {
  return keyLabel
    .trim()
    .split(/\s+/)
    .map((chord) => chord.split(/\+(?!$)/));
}
