// Monaco's diff editor throws if one of its models is disposed while attached, so models
// shown in a diff are disposed through here: detach every diff editor using them first.
import type { monaco } from "./monacoSetup";

const liveDiffEditors = new Set<monaco.editor.IStandaloneDiffEditor>();

export function trackDiffEditor(editor: monaco.editor.IStandaloneDiffEditor): () => void {
  liveDiffEditors.add(editor);
  return () => liveDiffEditors.delete(editor);
}

export function disposeModel(model: monaco.editor.ITextModel): void {
  for (const editor of liveDiffEditors) {
    const current = editor.getModel();
    if (current && (current.original === model || current.modified === model)) editor.setModel(null);
  }
  if (!model.isDisposed()) model.dispose();
}
