// Telling the user why a language feature did nothing: a message at the cursor of the editor
// (Monaco's own "No result" style), naming the reason the server gave (client.describeFailure).
import { monaco } from "../editor/editorApi";
import { useNotifications } from "../stores/notifications";

interface MessageController {
  showMessage(message: string, position: monaco.IPosition): void;
}

function editorOf(model: monaco.editor.ITextModel): monaco.editor.ICodeEditor | undefined {
  const editors = monaco.editor.getEditors().filter((e) => e.getModel() === model);
  return editors.find((e) => e.hasTextFocus()) ?? editors[0];
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
