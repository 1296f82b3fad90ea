// Keybinding strings such as "Mod+Shift+P": Mod is Cmd on macOS and Ctrl elsewhere.

export interface KeyChord {
  mod: boolean;
  ctrl: boolean;
  shift: boolean;
  alt: boolean;
  key: string;
}

export interface KeyEventLike {
  key: string;
  code?: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export const isMac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform ?? "");

export function parseKeybinding(binding: string): KeyChord {
  const chord: KeyChord = { mod: false, ctrl: false, shift: false, alt: false, key: "" };
  const parts = binding.split("+");
  // "Mod++" would mean the plus key: rejoin a trailing empty part.
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i].trim().toLowerCase();
    if (part === "" && i === parts.length - 1) chord.key = "+";
    else if (part === "mod" || part === "cmd") chord.mod = true;
    else if (part === "ctrl") chord.ctrl = true;
    else if (part === "shift") chord.shift = true;
    else if (part === "alt" || part === "option") chord.alt = true;
    else chord.key = part;
  }
  return chord;
}

/** The key of an event, independent of Shift/Alt altering the produced character. */
export function eventKey(event: KeyEventLike): string {
  const code = event.code ?? "";
  if (/^Key[A-Z]$/.test(code)) return code.slice(3).toLowerCase();
  if (/^Digit[0-9]$/.test(code)) return code.slice(5);
  if (code === "Backslash") return "\\";
  if (code === "Comma") return ",";
  if (code === "Backquote") return "`";
  return event.key.toLowerCase();
}

export function matchesKeybinding(event: KeyEventLike, binding: string, mac: boolean = isMac): boolean {
  const chord = parseKeybinding(binding);
  const wantCtrl = chord.ctrl || (chord.mod && !mac);
  const wantMeta = chord.mod && mac;
  return (
    event.ctrlKey === wantCtrl &&
    event.metaKey === wantMeta &&
    event.shiftKey === chord.shift &&
    event.altKey === chord.alt &&
    eventKey(event) === chord.key
  );
}

const KEY_LABELS: Record<string, string> = { "\\": "\\", ",": ",", escape: "Esc", enter: "Enter", "`": "`" };

export function formatKeybinding(binding: string, mac: boolean = isMac): string {
  const chord = parseKeybinding(binding);
  const key = KEY_LABELS[chord.key] ?? (chord.key.length === 1 ? chord.key.toUpperCase() : capitalize(chord.key));
  if (mac) {
    return `${chord.ctrl ? "⌃" : ""}${chord.alt ? "⌥" : ""}${chord.shift ? "⇧" : ""}${chord.mod ? "⌘" : ""}${key}`;
  }
  const parts: string[] = [];
  if (chord.ctrl || chord.mod) parts.push("Ctrl");
  if (chord.shift) parts.push("Shift");
  if (chord.alt) parts.push("Alt");
  parts.push(key);
  return parts.join("+");
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
