// One Monaco editor per group; switching tabs swaps models and restores each view state.
import { useEffect, useRef } from "react";
import { currentSettings, useSettings } from "../stores/settings";
import { useStatus } from "../stores/status";
import { useTabs } from "../stores/tabs";
import { revealPosition } from "./actions";
import { getModel, useBuffers } from "./buffers";
import { registerGroupEditor, takeReveal } from "./editorRegistry";
import { editorOptions } from "./editorOptions";
import { monaco } from "./monacoSetup";
import { viewStates } from "./viewStates";

export function CodeEditor({ groupId, path }: { groupId: string; path: string }) {
  const hostRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const currentPath = useRef<string | null>(null);
  const settings = useSettings();
  const ready = useBuffers((s) => s.buffers[path]?.status === "ready");

  // Create the editor once per group.
  useEffect(() => {
    const editor = monaco.editor.create(hostRef.current!, {
      model: null,
      automaticLayout: true,
      fixedOverflowWidgets: true,
      renderWhitespace: "selection",
      smoothScrolling: true,
      padding: { top: 4 },
      scrollbar: { verticalScrollbarSize: 12, horizontalScrollbarSize: 12 },
      ariaLabel: "Editor",
      ...editorOptions(currentSettings()),
    });
    editorRef.current = editor;
    const unregister = registerGroupEditor(groupId, editor);
    const updateStatus = () => {
      if (useTabs.getState().activeGroupId !== groupId) return;
      const pos = editor.getPosition();
      const model = editor.getModel();
      const sel = editor.getSelection();
      if (!pos || !model) return;
      useStatus.getState().setCursor(pos.lineNumber, pos.column, sel ? model.getValueInRange(sel).length : 0);
    };
    // Remembered as it changes (not only on a tab switch), so a reload puts cursor and scroll back.
    const remember = () => {
      const path = currentPath.current;
      // setModel fires these events before currentPath names the new model: skip those.
      if (path && editor.getModel() && editor.getModel() === getModel(path)) {
        viewStates.set(`${groupId}:${path}`, editor.saveViewState());
      }
    };
    const subs = [
      editor.onDidChangeCursorSelection(remember),
      editor.onDidScrollChange(remember),
      editor.onDidChangeCursorSelection(updateStatus),
      editor.onDidFocusEditorText(() => {
        useTabs.getState().focusGroup(groupId);
        updateStatus();
      }),
    ];
    return () => {
      remember();
      subs.forEach((d) => d.dispose());
      unregister();
      editor.dispose();
      editorRef.current = null;
    };
    // Options are applied by the effect below; the editor lives as long as the group shows files.
  }, [groupId]);

  // Swap the model when the tab (or its buffer's readiness) changes.
  useEffect(() => {
    const editor = editorRef.current;
    if (!editor) return;
    const model = ready ? getModel(path) : undefined;
    if (editor.getModel() === (model ?? null)) return;
    if (currentPath.current && editor.getModel()) {
      viewStates.set(`${groupId}:${currentPath.current}`, editor.saveViewState());
    }
    editor.setModel(model ?? null);
    currentPath.current = model ? path : null;
    if (!model) return;
    const state = viewStates.get(`${groupId}:${path}`);
    if (state) editor.restoreViewState(state);
    const reveal = takeReveal(groupId, path);
    if (reveal) revealPosition(editor, reveal.line, reveal.column, reveal.endColumn);
    if (useTabs.getState().activeGroupId === groupId) {
      const active = document.activeElement;
      // Take focus unless the user is working in another control (e.g. the explorer preview).
      if (!active || active === document.body || hostRef.current?.contains(active) || reveal) editor.focus();
      const pos = editor.getPosition();
      const sel = editor.getSelection();
      // A reveal may select (a search match): the status bar counts it.
      if (pos) useStatus.getState().setCursor(pos.lineNumber, pos.column, sel ? model.getValueInRange(sel).length : 0);
    }
  }, [groupId, path, ready]);

  // Settings apply live.
  useEffect(() => {
    const editor = editorRef.current;
    editor?.updateOptions(editorOptions(settings));
    editor?.getModel()?.updateOptions({ tabSize: settings["editor.tabSize"], indentSize: settings["editor.tabSize"] });
  }, [settings]);

  return <div ref={hostRef} className="monaco" data-testid="code-editor" />;
}
