// The command registry: every action a user can take, with its title and shortcut.
// The command palette lists them; the global key handler runs them. Other features
// (chat, symbols, index, terminal) add their own with `registerCommand`.
import { create } from "zustand";
import { matchesKeybinding, type KeyEventLike } from "../ui/keybindings";

export interface Command {
  id: string;
  title: string;
  /** Shown before the title in the palette, e.g. "View", "File". */
  category?: string;
  /** e.g. "Mod+Shift+P"; Mod is Cmd on macOS, Ctrl elsewhere. */
  keybinding?: string;
  /** More keys that run it (F1 for the palette); the palette shows only `keybinding`. */
  altKeybindings?: string[];
  /** Hidden from the palette and keys when it returns false. */
  when?: () => boolean;
  run: () => void | Promise<void>;
}

interface CommandState {
  commands: Record<string, Command>;
}

export const useCommandRegistry = create<CommandState>(() => ({ commands: {} }));

/** Registers (or replaces) a command; returns a function that unregisters it. */
export function registerCommand(command: Command): () => void {
  useCommandRegistry.setState((s) => ({ commands: { ...s.commands, [command.id]: command } }));
  return () =>
    useCommandRegistry.setState((s) => {
      if (s.commands[command.id] !== command) return s;
      const next = { ...s.commands };
      delete next[command.id];
      return { commands: next };
    });
}

export function getCommands(commands: Record<string, Command> = useCommandRegistry.getState().commands): Command[] {
  return Object.values(commands)
    .filter((c) => !c.when || c.when())
    .sort((a, b) => commandLabel(a).localeCompare(commandLabel(b)));
}

export function commandLabel(command: Command): string {
  return command.category ? `${command.category}: ${command.title}` : command.title;
}

export async function executeCommand(id: string): Promise<void> {
  const command = useCommandRegistry.getState().commands[id];
  if (!command) throw new Error(`Unknown command: ${id}`);
  await command.run();
}

/** The command bound to this key event, if any. */
export function commandForEvent(event: KeyEventLike, mac?: boolean): Command | undefined {
  return getCommands().find((c) =>
    [c.keybinding, ...(c.altKeybindings ?? [])].some((k) => k && matchesKeybinding(event, k, mac)),
  );
}
