// Help: Keyboard Shortcuts — a searchable list of every key, ours and the editor's.
import { useEffect, useMemo, useRef, useState } from "react";
import { Keys } from "./QuickInput";
import { filterShortcuts, type ShortcutRow } from "./shortcuts";
import { useShortcuts } from "./shortcutsStore";

export function KeyboardShortcutsHost() {
  const rows = useShortcuts((s) => s.rows);
  return rows ? <KeyboardShortcuts rows={rows} /> : null;
}

function KeyboardShortcuts({ rows }: { rows: ShortcutRow[] }) {
  const [query, setQuery] = useState("");
  const inputRef = useRef<HTMLInputElement>(null);
  const previousFocus = useRef<Element | null>(null);
  const shown = useMemo(() => filterShortcuts(rows, query), [rows, query]);
  useEffect(() => {
    previousFocus.current = document.activeElement;
    inputRef.current?.focus();
  }, []);
  const close = () => {
    useShortcuts.setState({ rows: null });
    if (previousFocus.current instanceof HTMLElement) previousFocus.current.focus();
  };
  return (
    <>
      <div className="picker-backdrop" onMouseDown={close} />
      <div
        className="shortcuts-list"
        role="dialog"
        aria-label="Keyboard Shortcuts"
        onKeyDown={(e) => {
          if (e.key !== "Escape") return;
          e.preventDefault();
          e.stopPropagation();
          close();
        }}
      >
        <div className="shortcuts-head">
          <input
            ref={inputRef}
            type="search"
            aria-label="Search keybindings"
            placeholder="Type to search in keybindings (a command, a key such as ctrl+/)"
            value={query}
            spellCheck={false}
            onChange={(e) => setQuery(e.target.value)}
          />
          <span className="shortcuts-count" aria-live="polite">
            {shown.length} of {rows.length}
          </span>
        </div>
        <div className="shortcuts-body">
          <table>
            <thead>
              <tr>
                <th scope="col">Command</th>
                <th scope="col">Keybinding</th>
                <th scope="col">Where</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={`${r.command}\n${r.keyLabel}`} title={r.command}>
                  <td>{r.label}</td>
                  <td>
                    <Keys label={r.keyLabel} />
                  </td>
                  <td className="where">{r.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {shown.length === 0 && <div className="quick-empty">No keybinding matches “{query}”.</div>}
        </div>
      </div>
    </>
  );
}
