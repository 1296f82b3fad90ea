// Applying a language server's WorkspaceEdit (rename, code actions): files with unsaved edits
// are edited in their buffer (undoable, the user saves as usual — their text is what the server
// answered about); every other file through `POST /api/lsp/apply-edit` (the file service, all
// or nothing), after which the open editors re-read the disk.
import { call } from "../api/schema";
import { hasUnsavedEdits, loadedModel, monaco, refreshFromDisk } from "../editor/editorApi";
import { splitByBuffer, toMonacoRange, workspaceEditFiles } from "./convert";
import type { TextEdit, WorkspaceEdit } from "./protocol";

/** Text edits as one undoable Monaco edit of a model. */
export function applyToModel(model: monaco.editor.ITextModel, edits: readonly TextEdit[]): void {
  const lines = { lineCount: model.getLineCount(), lineLength: (n: number) => model.getLineLength(n) };
  model.pushStackElement();
  model.pushEditOperations(
    [],
    edits.map((e) => ({ range: monaco.Range.lift(toMonacoRange(e.range, lines)), text: e.newText })),
    () => null,
  );
  model.pushStackElement();
}

/** Applies a WorkspaceEdit; resolves with the paths changed. Throws ApiError when the server refuses. */
export async function applyWorkspaceEdit(edit: WorkspaceEdit, label: string): Promise<string[]> {
  const files = workspaceEditFiles(edit);
  const { inBuffers, onDisk } = splitByBuffer(files, hasUnsavedEdits);
  if (onDisk.length) {
    const changes = Object.fromEntries(onDisk.map((f) => [f.path, f.edits]));
    await call("post", "/api/lsp/apply-edit", { body: { edit: { changes }, label } });
    await refreshFromDisk(onDisk.map((f) => f.path).filter((p) => loadedModel(p)));
  }
  for (const file of inBuffers) {
    const model = loadedModel(file.path);
    if (model) applyToModel(model, file.edits);
  }
  return files.map((f) => f.path);
}
