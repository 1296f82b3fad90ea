// Monaco's diff editor over two existing models (the caller owns and disposes them).
import { useEffect, useRef } from "react";
import { currentSettings, useSettings } from "../stores/settings";
import { editorOptions } from "./editorOptions";
import { monaco } from "./monacoSetup";
import { trackDiffEditor } from "./diffRegistry";

interface DiffViewProps {
  original: monaco.editor.ITextModel;
  modified: monaco.editor.ITextModel;
  modifiedEditable?: boolean;
}

export function DiffView({ original, modified, modifiedEditable = true }: DiffViewProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneDiffEditor | null>(null);
  const settings = useSettings();

  useEffect(() => {
    const editor = monaco.editor.createDiffEditor(hostRef.current!, {
      automaticLayout: true,
      fixedOverflowWidgets: true,
      renderSideBySide: true,
      originalEditable: false,
      readOnly: !modifiedEditable,
      ignoreTrimWhitespace: false,
      ...editorOptions(currentSettings()),
    });
    editor.setModel({ original, modified });
    editorRef.current = editor;
    const untrack = trackDiffEditor(editor);
    return () => {
      untrack();
      editor.setModel(null);
      editor.dispose();
      editorRef.current = null;
    };
  }, [original, modified, modifiedEditable]);

  useEffect(() => {
    editorRef.current?.updateOptions(editorOptions(settings));
  }, [settings]);

  return <div ref={hostRef} className="monaco" data-testid="diff-editor" />;
}
