// Go to Symbol in Workspace (Ctrl/Cmd+T): definitions from the tag index, in a quick pick.
import { useEffect, useState } from "react";
import { errorMessage } from "../api/http";
import { openFile } from "../editor/editorApi";
import { QuickPicker } from "../ui/QuickPicker";
import { useSymbols } from "./symbolStore";
import { symbolsApi, type SymbolLocation } from "./symbolsApi";

export function SymbolPicker() {
  const open = useSymbols((s) => s.pickerOpen);
  return open ? <SymbolPickerWidget /> : null;
}

function SymbolPickerWidget() {
  const close = useSymbols((s) => s.closePicker);
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<SymbolLocation[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setResults([]);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      symbolsApi.workspace(q, controller.signal).then(
        (found) => {
          setResults(found);
          setError(null);
        },
        (err) => !controller.signal.aborted && setError(errorMessage(err)),
      );
    }, 60);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query]);

  return (
    <QuickPicker
      label="Go to Symbol in Workspace"
      testId="symbol-picker"
      listId="symbol-picker-list"
      inputLabel="Symbol name"
      placeholder="Go to a symbol in the workspace (functions, classes, types…)"
      query={query}
      onQueryChange={setQuery}
      items={results}
      itemKey={(loc) => `${loc.path}:${loc.line}:${loc.name}`}
      renderItem={(loc) => (
        <>
          <span className="symbol-kind" title={loc.kind}>
            {loc.kind}
          </span>
          <span className="primary">{loc.name}</span>
          <span className="secondary">
            {loc.path}:{loc.line}
          </span>
        </>
      )}
      emptyText={error ?? (query.trim() ? "No matching symbols" : "Type a symbol name")}
      // Opening the file moves the focus to its editor: do not take it back.
      restoreFocusOnPick={false}
      onPick={(loc) => openFile(loc.path, loc.line, loc.column + 1)}
      onClose={close}
    />
  );
}
