// The inline edit feature: Ctrl/Cmd+K in a file's editor opens an instruction box at the
// selection; the `edit` model's proposal streams in as an inline diff to accept, reject or
// refine. The key is a Monaco action of each code editor: Monaco's own Ctrl+K chords
// (Ctrl+K Ctrl+C …) are default keybindings, and an editor action's keybinding is resolved
// after them, so Ctrl+K opens the box at once instead of waiting for a second key.
import { modelUri, monaco } from "../editor/editorApi";
import type { WorkbenchRegistry } from "../workbench/registry";
import "./inlineEdit.css";
import { onDelta, onDisconnect, onDone, onError } from "./inlineEditApi";
import { InlineEditSession, type FileInfo } from "./session";

type Editor = monaco.editor.ICodeEditor;

const ACTION_ID = "pairpad.inlineEdit";
const sessions = new WeakMap<Editor, InlineEditSession>();
let lastFocused: Editor | null = null;

/** The workspace file an editor shows, when it is a file buffer it may edit. */
function fileOf(editor: Editor): FileInfo | null {
  const model = editor.getModel();
  if (!model || model.uri.scheme !== "file" || editor.getOption(monaco.editor.EditorOption.readOnly)) return null;
  const path = model.uri.path.replace(/^\//, "");
  if (modelUri(path).toString() !== model.uri.toString()) return null;
  return { path, language: model.getLanguageId() };
}

/** Opens the instruction box at the editor's selection (or focuses the open one). */
export function openInlineEdit(editor: Editor): void {
  const existing = sessions.get(editor);
  if (existing?.isOpen) {
    existing.focus();
    return;
  }
  const file = fileOf(editor);
  const model = editor.getModel();
  const selection = editor.getSelection();
  if (!file || !model || !selection) return;
  const session = new InlineEditSession(editor, model, file, selection, (closed) => {
    if (sessions.get(editor) === closed) sessions.delete(editor);
  });
  sessions.set(editor, session);
}

function attach(editor: Editor): void {
  const standalone = editor as Partial<monaco.editor.IStandaloneCodeEditor>;
  if (typeof standalone.addAction !== "function") return;
  standalone.addAction({
    id: ACTION_ID,
    label: "Edit Selection with AI…",
    keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyK],
    contextMenuGroupId: "1_modification",
    run: (target) => openInlineEdit(target),
  });
  editor.onDidFocusEditorText(() => (lastFocused = editor));
  editor.onDidDispose(() => {
    if (lastFocused === editor) lastFocused = null;
  });
}

export function installInlineEdit(wb: WorkbenchRegistry): void {
  wb.monacoProvider({
    id: "inlineEdit.action",
    register: () => {
      for (const editor of monaco.editor.getEditors()) attach(editor);
      // Fired from the base class's constructor: the standalone editor's keybinding service
      // (which addAction needs) is set once its own constructor has run.
      monaco.editor.onDidCreateEditor((editor) => queueMicrotask(() => attach(editor)));
    },
  });
  wb.socketHandler("inlineEdit.delta", "inline_edit:delta", onDelta);
  wb.socketHandler("inlineEdit.done", "inline_edit:done", onDone);
  wb.socketHandler("inlineEdit.error", "inline_edit:error", onError);
  wb.socketHandler("inlineEdit.disconnect", "disconnect", onDisconnect);
  wb.command({
    id: ACTION_ID,
    category: "Edit",
    title: "Edit Selection with AI (Ctrl/Cmd+K in the editor)",
    when: () => lastFocused !== null && fileOf(lastFocused) !== null,
    run: () => {
      if (lastFocused) openInlineEdit(lastFocused);
    },
  });
}
