// The editor options that follow the user's settings (code editors and diff views alike).
import type { Settings } from "../api/types";
import type { monaco } from "./monacoSetup";

export function editorOptions(s: Settings): monaco.editor.IEditorOptions & monaco.editor.IGlobalEditorOptions {
  return {
    fontSize: s["editor.fontSize"],
    tabSize: s["editor.tabSize"],
    wordWrap: s["editor.wordWrap"] ? "on" : "off",
    minimap: { enabled: s["editor.minimap"] },
    // Ghost text from the inline completion provider (completion/); Tab, Ctrl/Cmd+→ and Esc are Monaco's.
    inlineSuggest: { enabled: true },
  };
}
