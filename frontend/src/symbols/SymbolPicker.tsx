// Go to Symbol in Workspace (Ctrl/Cmd+T): definitions from the tag index, in a quick pick.
import { useEffect, useRef, useState } from "react";
import { errorMessage } from "../api/http";
import { openFile } from "../editor/editorApi";
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
  const [selected, setSelected] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const previousFocus = useRef<Element | null>(document.activeElement);

  useEffect(() => inputRef.current?.focus(), []);
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
          setSelected(0);
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

  const dismiss = () => {
    close();
    if (previousFocus.current instanceof HTMLElement) previousFocus.current.focus();
  };
  const choose = (loc: SymbolLocation | undefined) => {
    if (!loc) return;
    close();
    openFile(loc.path, loc.line, loc.column + 1);
  };

  return (
    <>
      <div className="picker-backdrop" onMouseDown={dismiss} />
      <div className="quick-input" role="dialog" aria-label="Go to Symbol in Workspace" data-testid="symbol-picker">
        <input
          ref={inputRef}
          role="combobox"
          aria-expanded="true"
          aria-controls="symbol-picker-list"
          aria-label="Symbol name"
          placeholder="Go to a symbol in the workspace (functions, classes, types…)"
          value={query}
          spellCheck={false}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown") setSelected((s) => Math.min(s + 1, results.length - 1));
            else if (e.key === "ArrowUp") setSelected((s) => Math.max(s - 1, 0));
            else if (e.key === "Enter") choose(results[selected]);
            else if (e.key === "Escape") dismiss();
            else return;
            e.preventDefault();
            e.stopPropagation();
          }}
        />
        <ul className="quick-list" id="symbol-picker-list" role="listbox">
          {results.length === 0 && (
            <li className="quick-empty">{error ?? (query.trim() ? "No matching symbols" : "Type a symbol name")}</li>
          )}
          {results.map((loc, i) => (
            <li
              key={`${loc.path}:${loc.line}:${loc.name}`}
              role="option"
              aria-selected={i === selected}
              className="quick-item"
              onMouseMove={() => setSelected(i)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(loc)}
            >
              <span className="symbol-kind" title={loc.kind}>
                {loc.kind}
              </span>
              <span className="primary">{loc.name}</span>
              <span className="secondary">
                {loc.path}:{loc.line}
              </span>
            </li>
          ))}
        </ul>
      </div>
    </>
  );
}
