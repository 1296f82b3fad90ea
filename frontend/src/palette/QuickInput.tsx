// Quick open (Ctrl+P: fuzzy file search on the server) and the command palette
// (Ctrl+Shift+P, or ">" in quick open), in one VS Code–style widget.
import { useEffect, useMemo, useRef, useState } from "react";
import { searchApi } from "../api/endpoints";
import { errorMessage } from "../api/http";
import { openFile, revealInActiveEditor } from "../editor/editorApi";
import { FileIcon } from "../ui/fileIcons";
import { useLayout } from "../stores/layout";
import { basename, dirname } from "../util/paths";
import { getCommands, useCommandRegistry } from "../workbench/commands";
import { fuzzyFilter, highlightPath } from "../ui/fuzzy";
import { Marked } from "../ui/Marked";
import { editorActions, targetEditor } from "./editorActions";
import { keyChords, mergeCommands, type PaletteCommand } from "./merge";
import { loadRecent } from "../stores/recent";
import { notifyError } from "../stores/notifications";

interface Item {
  key: string;
  primary: string;
  primaryIndices: number[];
  secondary?: string;
  secondaryIndices?: number[];
  icon?: React.ReactNode;
  keys?: string;
  run: () => void;
}

export function QuickInput() {
  const mode = useLayout((s) => s.quickInput);
  const initial = useLayout((s) => s.quickInputInitial);
  if (!mode) return null;
  return <QuickInputWidget key={`${mode}:${initial}`} initialValue={mode === "commands" ? `>${initial}` : initial} />;
}

function QuickInputWidget({ initialValue }: { initialValue: string }) {
  const [value, setValue] = useState(initialValue);
  const [selected, setSelected] = useState(0);
  const [fileResults, setFileResults] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const previousFocus = useRef<Element | null>(document.activeElement);
  const close = useLayout((s) => s.closeQuickInput);
  const registered = useCommandRegistry((s) => s.commands);
  // The actions of the editor the user was in, read once: the palette has the focus now.
  const [actions] = useState(() => editorActions(targetEditor(document.activeElement)));

  const isCommands = value.startsWith(">");
  const gotoLine = useMemo(() => /^:(\d+)(?::(\d+))?$/.exec(value.trim()), [value]);
  const fileQuery = isCommands || gotoLine ? "" : value.trim();

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  useEffect(() => {
    if (!fileQuery) {
      setFileResults([]);
      setError(null);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      searchApi.files(fileQuery, 50, controller.signal).then(
        (r) => {
          setFileResults(r.results.map((x) => x.path));
          setError(null);
        },
        (err) => {
          if (!controller.signal.aborted) setError(errorMessage(err));
        },
      );
    }, 60);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [fileQuery]);

  const dismiss = (restoreFocus = true) => {
    close();
    if (restoreFocus && previousFocus.current instanceof HTMLElement) previousFocus.current.focus();
  };

  const items: Item[] = useMemo(() => {
    if (isCommands) {
      const commands = mergeCommands(getCommands(registered), actions);
      return fuzzyFilter(value.slice(1), commands, (c) => c.label).map(({ item, match }) =>
        commandItem(item, match.indices),
      );
    }
    if (gotoLine) {
      const line = Number(gotoLine[1]);
      const column = Number(gotoLine[2] ?? 1);
      return [
        {
          key: "goto",
          primary: `Go to line ${line}${gotoLine[2] ? `, column ${column}` : ""}`,
          primaryIndices: [],
          run: () => revealInActiveEditor(line, column),
        },
      ];
    }
    const paths = fileQuery ? fileResults : loadRecent();
    return paths.map((path) => {
      const marks = highlightPath(fileQuery, path);
      return {
        key: path,
        primary: basename(path),
        primaryIndices: marks.name,
        secondary: dirname(path),
        secondaryIndices: marks.dir,
        icon: <FileIcon path={path} />,
        run: () => openFile(path),
      };
    });
  }, [value, isCommands, gotoLine, fileQuery, fileResults, registered, actions]);

  useEffect(() => setSelected(0), [items.length, value]);
  useEffect(() => {
    listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: "nearest" });
  }, [selected]);

  const runItem = (item: Item | undefined) => {
    if (!item) return;
    // Close first so commands that open another overlay or move focus are not undone.
    dismiss(false);
    if (previousFocus.current instanceof HTMLElement) previousFocus.current.focus();
    item.run();
  };

  const placeholder = isCommands
    ? "Type the name of a command to run."
    : "Search files by name (type > for commands, :line to go to a line)";
  const emptyText = error
    ? error
    : isCommands
      ? "No matching commands"
      : fileQuery
        ? "No matching files"
        : "No recently opened files — type to search";

  return (
    <>
      <div className="picker-backdrop" onMouseDown={() => dismiss()} />
      <div className="quick-input" role="dialog" aria-label={isCommands ? "Command Palette" : "Quick Open"}>
        <input
          ref={inputRef}
          role="combobox"
          aria-expanded="true"
          aria-controls="quick-input-list"
          aria-activedescendant={items[selected] ? `qi-${selected}` : undefined}
          aria-label={isCommands ? "Command" : "File name"}
          placeholder={placeholder}
          value={value}
          spellCheck={false}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown") setSelected((s) => Math.min(s + 1, items.length - 1));
            else if (e.key === "ArrowUp") setSelected((s) => Math.max(s - 1, 0));
            else if (e.key === "Enter") runItem(items[selected]);
            else if (e.key === "Escape") dismiss();
            else return;
            e.preventDefault();
            e.stopPropagation();
          }}
        />
        <ul className="quick-list" id="quick-input-list" role="listbox" ref={listRef}>
          {items.length === 0 && <li className="quick-empty">{emptyText}</li>}
          {items.map((item, i) => (
            <li
              key={item.key}
              id={`qi-${i}`}
              role="option"
              aria-selected={i === selected}
              className="quick-item"
              onMouseMove={() => setSelected(i)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => runItem(item)}
            >
              {item.icon}
              <span className="primary">
                <Marked text={item.primary} indices={item.primaryIndices} />
              </span>
              {item.secondary !== undefined && (
                <span className="secondary">
                  <Marked text={item.secondary} indices={item.secondaryIndices ?? []} />
                </span>
              )}
              {item.keys && <Keys label={item.keys} />}
            </li>
          ))}
        </ul>
      </div>
    </>
  );
}

function commandItem(command: PaletteCommand, indices: number[]): Item {
  return {
    key: command.id,
    primary: command.label,
    primaryIndices: indices,
    keys: command.keyLabel,
    run: () =>
      void Promise.resolve(command.run()).catch((err) => notifyError(`Command "${command.label}" failed`, err)),
  };
}

/** A key label drawn as keys: "Ctrl+K Ctrl+C" is two chords. */
export function Keys({ label }: { label: string }) {
  return (
    <span className="keys" aria-label={label}>
      {keyChords(label).map((chord, i) => (
        <span key={i} className="chord">
          {chord.map((k, j) => (
            <kbd key={j}>{k}</kbd>
          ))}
        </span>
      ))}
    </span>
  );
}
