// The Monaco side of the palette: the actions of the editor the user was in, with the labels of
// their keys from Monaco's keybinding service, and Monaco's whole keymap for the shortcuts list.
import { monaco } from "../editor/editorApi";
import type { EditorAction } from "./merge";

/** Monaco's keybinding service (not in its public typings; present on standalone editors). */
interface KeybindingService {
  lookupKeybinding(commandId: string): { getLabel(): string | null } | undefined;
  getKeybindings(): readonly {
    command: string | null;
    resolvedKeybinding: { getLabel(): string | null } | undefined;
  }[];
}

function keybindingService(editor: monaco.editor.ICodeEditor): KeybindingService | null {
  return (
    (editor as unknown as { _standaloneKeybindingService?: KeybindingService })._standaloneKeybindingService ?? null
  );
}

/**
 * The code editor the palette acts on: the one holding `anchor` (focus before the palette
 * opened), else the focused group's, else any editor showing a file.
 */
export function targetEditor(anchor: Element | null): monaco.editor.ICodeEditor | undefined {
  const editors = monaco.editor.getEditors().filter((e) => e.getModel());
  return (
    editors.find((e) => anchor && e.getContainerDomNode().contains(anchor)) ??
    editors.find((e) => e.getContainerDomNode().closest(".editor-group.focused")) ??
    editors[0]
  );
}

/** The editor's supported actions, each run on that editor (focused first, as Monaco expects). */
export function editorActions(editor: monaco.editor.ICodeEditor | undefined): EditorAction[] {
  if (!editor) return [];
  const keys = keybindingService(editor);
  return editor.getSupportedActions().map((action) => ({
    id: action.id,
    label: action.label,
    keyLabel: keys?.lookupKeybinding(action.id)?.getLabel() ?? undefined,
    run: () => {
      editor.focus();
      return action.run();
    },
  }));
}

export interface MonacoKeybinding {
  command: string;
  keyLabel: string;
}

/** Every key Monaco binds (cursor moves and chords too), for the keyboard shortcuts list. */
export function monacoKeybindings(editor: monaco.editor.ICodeEditor | undefined): MonacoKeybinding[] {
  const keys = editor && keybindingService(editor);
  if (!keys) return [];
  const out: MonacoKeybinding[] = [];
  for (const item of keys.getKeybindings()) {
    const keyLabel = item.resolvedKeybinding?.getLabel();
    if (item.command && !item.command.startsWith("-") && keyLabel) out.push({ command: item.command, keyLabel });
  }
  return out;
}
