// The Terminal panel view: a tab per terminal, the active xterm filling the rest (fitted on
// every resize), a find box, and failures spelled out where the terminal would be.
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useSettings } from "../stores/settings";
import { CloseIcon, PlusIcon, TrashIcon } from "../ui/icons";
import { tabLabels } from "./naming";
import {
  activateTerminal,
  closeTerminal,
  createTerminal,
  killActiveTerminal,
  restyleTerminals,
  sessionOf,
  useTerminals,
} from "./sessions";

export function TerminalView() {
  const tabs = useTerminals((s) => s.tabs);
  const active = useTerminals((s) => s.active);
  const error = useTerminals((s) => s.error);
  const findOpen = useTerminals((s) => s.findOpen);
  const labels = useMemo(() => tabLabels(tabs), [tabs]);
  const container = useRef<HTMLDivElement>(null);
  const fontSize = useSettings()["editor.fontSize"];

  // Move the active terminal's host element into the view (and out again on unmount).
  useLayoutEffect(() => {
    const session = sessionOf(active);
    const el = container.current;
    if (!session || !el) return;
    session.mount(el);
    session.fitToHost();
    return () => session.unmount();
  }, [active, tabs.length]);

  useEffect(() => restyleTerminals(), [fontSize]);

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => sessionOf(useTerminals.getState().active)?.fitToHost());
    });
    observer.observe(el);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
    };
  }, []);

  return (
    <div className="terminal-view">
      {error && (
        <div className="terminal-error" role="alert">
          <span>{error}</span>
          <button type="button" className="btn" onClick={() => useTerminals.setState({ error: null })}>
            Dismiss
          </button>
        </div>
      )}
      {tabs.length > 0 && (
        <div className="terminal-tabs" role="tablist" aria-label="Terminals">
          {tabs.map((tab) => (
            <span key={tab.key} className="terminal-tab" data-active={tab.key === active} data-exited={tab.exited}>
              <button
                type="button"
                role="tab"
                aria-selected={tab.key === active}
                data-term-id={tab.termId ?? ""}
                title={tab.exited ? `${labels.get(tab.key)} (exited)` : labels.get(tab.key)}
                onClick={() => activateTerminal(tab.key)}
              >
                {labels.get(tab.key)}
                {tab.exited && <span className="terminal-exited"> (exited)</span>}
              </button>
              <button
                type="button"
                className="terminal-tab-close"
                aria-label={`Close ${labels.get(tab.key)}`}
                title="Kill Terminal"
                onClick={() => closeTerminal(tab.key)}
              >
                <CloseIcon size={12} />
              </button>
            </span>
          ))}
        </div>
      )}
      <div className="terminal-body">
        {findOpen && active && <FindBox termKey={active} />}
        <div className="terminal-container" ref={container} />
        {tabs.length === 0 && (
          <div className="panel-message terminal-empty">
            No terminal is open.{" "}
            <button type="button" className="btn" onClick={() => void createTerminal()}>
              New Terminal
            </button>
          </div>
        )}
      </div>
    </div>
  );
}

function FindBox({ termKey }: { termKey: string }) {
  const [query, setQuery] = useState("");
  const [missing, setMissing] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const find = (backwards: boolean) => {
    const search = sessionOf(termKey)?.search;
    if (!search || !query) return;
    const found = backwards ? search.findPrevious(query) : search.findNext(query);
    setMissing(!found);
  };
  const close = () => {
    sessionOf(termKey)?.search.clearDecorations();
    useTerminals.setState({ findOpen: false });
    sessionOf(termKey)?.term.focus();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") {
      e.preventDefault();
      find(e.shiftKey);
    } else if (e.key === "Escape") {
      e.preventDefault();
      close();
    }
  };
  return (
    <div className="terminal-find" role="search">
      <input
        ref={input}
        aria-label="Find in terminal"
        placeholder="Find"
        value={query}
        data-missing={missing}
        onChange={(e) => {
          setQuery(e.target.value);
          setMissing(false);
        }}
        onKeyDown={onKeyDown}
      />
      <span className="terminal-find-status" aria-live="polite">
        {missing ? "No results" : ""}
      </span>
      <button type="button" className="icon-button" aria-label="Previous Match" onClick={() => find(true)}>
        ↑
      </button>
      <button type="button" className="icon-button" aria-label="Next Match" onClick={() => find(false)}>
        ↓
      </button>
      <button type="button" className="icon-button" aria-label="Close Find" onClick={close}>
        <CloseIcon size={12} />
      </button>
    </div>
  );
}

/** The panel's buttons while the terminal is shown. */
export function TerminalActions() {
  const hasActive = useTerminals((s) => s.active !== null);
  return (
    <>
      <button
        type="button"
        className="icon-button"
        aria-label="New Terminal"
        title="New Terminal (Ctrl+Shift+`)"
        onClick={() => void createTerminal()}
      >
        <PlusIcon />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label="Kill Terminal"
        title="Kill Terminal"
        disabled={!hasActive}
        onClick={killActiveTerminal}
      >
        <TrashIcon />
      </button>
    </>
  );
}
