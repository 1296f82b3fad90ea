// Telling the user why a language feature did nothing: a message at the cursor of the editor
// (Monaco's own "No result" style), naming the reason the server gave.
import { monaco } from "../editor/editorApi";
import { useNotifications } from "../stores/notifications";
import { LspError } from "./client";

interface MessageController {
  showMessage(message: string, position: monaco.IPosition): void;
}

function editorOf(model: monaco.editor.ITextModel): monaco.editor.ICodeEditor | undefined {
  const editors = monaco.editor.getEditors().filter((e) => e.getModel() === model);
  return editors.find((e) => e.hasTextFocus()) ?? editors[0];
}

/** What to tell the user about a failed request (the server's reason, said plainly). */
export function describeFailure(err: unknown, what: string): string {
  if (err instanceof LspError) {
    if (err.status === 501) return `${err.message}.`.replace(/\.\.$/, ".");
    if (err.status === 503) return `${what}: the language server is not running (${err.message})`;
    return `${what} failed: ${err.message}`;
  }
  return `${what} failed: ${err instanceof Error ? err.message : String(err)}`;
}

/** Shows `text` at the cursor of the editor showing `model` (a notification when none does). */
export function showEditorMessage(model: monaco.editor.ITextModel, text: string, position?: monaco.IPosition): void {
  const editor = editorOf(model);
  const controller = editor?.getContribution("editor.contrib.messageController") as MessageController | null;
  const at = position ?? editor?.getPosition();
  if (editor && controller && at) {
    controller.showMessage(text, at);
    return;
  }
  useNotifications.getState().push("warning", text);
}
