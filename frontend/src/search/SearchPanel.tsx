// Find in files: ripgrep on the server; results grouped by file; a click opens the file with the
// match selected. Files to include / exclude (globs); replace in files with a preview of each
// match (checkboxes per file and per match), applied through the file service.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { searchApi } from "../api/endpoints";
import { errorMessage } from "../api/http";
import { ChevronDown, ChevronRight, CollapseIcon, RefreshIcon, ReplaceAllIcon } from "../ui/icons";
import type { SearchMatch } from "../api/types";
import { openEditor } from "../editor/editorApi";
import { FileIcon } from "../ui/fileIcons";
import { basename, dirname } from "../util/paths";
import { groupByFile, matchRanges, previewWindow } from "./groupResults";
import { replaceInFiles, type ReplaceOutcome } from "./applyReplace";
import { combineGlobs, lineMatches, queryRegex, type Chosen } from "./replace";
import { useSearchFocus } from "./searchFocus";
import "./search.css";

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

export function SearchPanel() {
  const [query, setQuery] = useState("");
  const [regex, setRegex] = useState(false);
  const [caseSensitive, setCaseSensitive] = useState(false);
  const [glob, setGlob] = useState("");
  const [exclude, setExclude] = useState("");
  const [replaceOpen, setReplaceOpen] = useState(false);
  const [replace, setReplace] = useState("");
  /** Matches the user unticked, as `path\nline\nordinal` (all are ticked by default). */
  const [unticked, setUnticked] = useState<Set<string>>(new Set());
  const [outcome, setOutcome] = useState<ReplaceOutcome | null>(null);
  const [replacing, setReplacing] = useState(false);
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const inputRef = useRef<HTMLInputElement>(null);
  const focusTick = useSearchFocus((s) => s.tick);

  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, [focusTick]);

  const params = useDebounced({ q: query, regex, case: caseSensitive, glob: combineGlobs(glob, exclude) }, 250);
  const search = useQuery({
    queryKey: ["search", params],
    queryFn: ({ signal }) => searchApi.text(params, signal),
    enabled: params.q.length > 0,
    staleTime: 0,
    retry: false,
  });
  const groups = useMemo(() => groupByFile(search.data?.results ?? []), [search.data]);
  const total = search.data?.results.length ?? 0;
  // New results: every match ticked again.
  useEffect(() => setUnticked(new Set()), [search.data]);
  const opts = { regex: params.regex, caseSensitive: params.case };
  const re = queryRegex(params.q, opts);
  /** The matches of a result line the preview shows (in the line's shown text). */
  const previewOf = (m: SearchMatch) => (re ? lineMatches(m.text, re, replace, params.regex) : []);
  const chosenOf = (path: string, matches: SearchMatch[]): Chosen[] =>
    matches.flatMap((m) =>
      previewOf(m)
        .map((_, ordinal) => ({ line: m.line, ordinal }))
        .filter((c) => !unticked.has(`${path}\n${c.line}\n${c.ordinal}`)),
    );
  const chosenCount = replaceOpen ? groups.reduce((n, g) => n + chosenOf(g.path, g.matches).length, 0) : 0;
  const toggleKeys = (keys: string[], tick: boolean) =>
    setUnticked((prev) => {
      const next = new Set(prev);
      for (const k of keys) {
        if (tick) next.delete(k);
        else next.add(k);
      }
      return next;
    });
  const replaceAll = async () => {
    setReplacing(true);
    try {
      const files = groups.map((g) => ({ path: g.path, matches: g.matches, chosen: chosenOf(g.path, g.matches) }));
      setOutcome(await replaceInFiles(files, params.q, replace, opts));
    } finally {
      setReplacing(false);
      void search.refetch();
    }
  };

  return (
    <div style={{ display: "flex", flexDirection: "column", height: "100%" }}>
      <div className="view-header">
        <span className="title">Search</span>
        <div className="view-actions">
          <button
            type="button"
            className="icon-button"
            aria-label="Refresh search results"
            title="Refresh"
            onClick={() => void search.refetch()}
          >
            <RefreshIcon />
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label="Collapse all results"
            title="Collapse All"
            onClick={() => setCollapsed(new Set(groups.map((g) => g.path)))}
          >
            <CollapseIcon />
          </button>
        </div>
      </div>
      <form className="search-form" role="search" onSubmit={(e) => (e.preventDefault(), void search.refetch())}>
        <div className="search-input-row">
          <button
            type="button"
            className="icon-button replace-toggle"
            aria-label="Toggle Replace"
            title="Toggle Replace"
            aria-expanded={replaceOpen}
            onClick={() => setReplaceOpen(!replaceOpen)}
          >
            {replaceOpen ? <ChevronDown /> : <ChevronRight />}
          </button>
          <input
            ref={inputRef}
            aria-label="Search"
            placeholder="Search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            spellCheck={false}
          />
          <button
            type="button"
            className="icon-button"
            aria-label="Match Case"
            title="Match Case"
            aria-pressed={caseSensitive}
            onClick={() => setCaseSensitive(!caseSensitive)}
          >
            Aa
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label="Use Regular Expression"
            title="Use Regular Expression"
            aria-pressed={regex}
            onClick={() => setRegex(!regex)}
          >
            .*
          </button>
        </div>
        {replaceOpen && (
          <div className="search-input-row replace-row">
            <input
              aria-label="Replace"
              placeholder="Replace"
              value={replace}
              onChange={(e) => setReplace(e.target.value)}
              spellCheck={false}
            />
            <button
              type="button"
              className="icon-button"
              aria-label="Replace All"
              title={
                chosenCount ? `Replace ${chosenCount} ticked match${chosenCount === 1 ? "" : "es"}` : "Replace All"
              }
              disabled={!chosenCount || replacing}
              onClick={() => void replaceAll()}
            >
              <ReplaceAllIcon />
            </button>
          </div>
        )}
        <label className="search-label" htmlFor="search-glob">
          files to include
        </label>
        <div className="search-input-row">
          <input
            id="search-glob"
            placeholder="e.g. *.py, src/**"
            value={glob}
            onChange={(e) => setGlob(e.target.value)}
            spellCheck={false}
          />
        </div>
        <label className="search-label" htmlFor="search-exclude">
          files to exclude
        </label>
        <div className="search-input-row">
          <input
            id="search-exclude"
            placeholder="e.g. tests/**, *.md"
            value={exclude}
            onChange={(e) => setExclude(e.target.value)}
            spellCheck={false}
          />
        </div>
      </form>
      {outcome && (
        <div className="replace-outcome" role="status">
          <div>
            Replaced {outcome.replaced} occurrence{outcome.replaced === 1 ? "" : "s"} in {outcome.files.length} file
            {outcome.files.length === 1 ? "" : "s"}.
          </div>
          {outcome.skipped.map((s) => (
            <div key={s.path} className="replace-skipped" data-path={s.path}>
              Not replaced in {s.path}: {s.reason}
            </div>
          ))}
          <button type="button" className="replace-dismiss" onClick={() => setOutcome(null)}>
            Dismiss
          </button>
        </div>
      )}
      {search.isError && (
        <div className="search-error" role="alert">
          {errorMessage(search.error)}
        </div>
      )}
      {params.q && search.isSuccess && (
        <div className="search-summary" aria-live="polite">
          {total === 0
            ? "No results found."
            : `${total} result${total === 1 ? "" : "s"} in ${groups.length} file${groups.length === 1 ? "" : "s"}${search.data.truncated ? " (more results were cut off — refine the search)" : ""}`}
        </div>
      )}
      <div className="view-body" role="tree" aria-label="Search results">
        {groups.map((g) => {
          const open = !collapsed.has(g.path);
          const keys = g.matches.flatMap((m) => previewOf(m).map((_, i) => `${g.path}\n${m.line}\n${i}`));
          const ticked = keys.filter((k) => !unticked.has(k)).length;
          return (
            <div key={g.path} role="treeitem" aria-expanded={open} aria-selected={false}>
              <div
                className="search-file"
                data-path={g.path}
                onClick={() =>
                  setCollapsed((c) => {
                    const next = new Set(c);
                    if (next.has(g.path)) next.delete(g.path);
                    else next.add(g.path);
                    return next;
                  })
                }
                title={g.path}
              >
                {open ? <ChevronDown size={14} /> : <ChevronRight size={14} />}
                {replaceOpen && (
                  <input
                    type="checkbox"
                    aria-label={`Replace in ${g.path}`}
                    checked={ticked > 0}
                    ref={(el) => {
                      if (el) el.indeterminate = ticked > 0 && ticked < keys.length;
                    }}
                    onClick={(e) => e.stopPropagation()}
                    onChange={(e) => toggleKeys(keys, e.target.checked)}
                  />
                )}
                <FileIcon path={g.path} />
                <span>{basename(g.path)}</span>
                <span className="dir">{dirname(g.path)}</span>
                <span className="count">{g.matches.length}</span>
              </div>
              {open &&
                replaceOpen &&
                g.matches.flatMap((m) =>
                  previewOf(m).map((pm, i) => {
                    const key = `${g.path}\n${m.line}\n${i}`;
                    const [start, end] = m.ranges?.[i] ?? [m.column, m.column];
                    const view = previewWindow(m.text, pm.start);
                    return (
                      <div key={key} className="search-line replace-line" data-line={m.line}>
                        <input
                          type="checkbox"
                          aria-label={`Replace match ${i + 1} on line ${m.line} of ${g.path}`}
                          checked={!unticked.has(key)}
                          onChange={(e) => toggleKeys([key], e.target.checked)}
                        />
                        <button
                          type="button"
                          className="replace-preview"
                          title={`${g.path}:${m.line}`}
                          onClick={() =>
                            openEditor(g.path, { line: m.line, column: start, endColumn: end, preview: true })
                          }
                        >
                          <span className="ln">{m.line}</span>
                          {view.text.slice(0, pm.start - view.offset)}
                          <del>{pm.text}</del>
                          <ins>{pm.replacement}</ins>
                          {view.text.slice(pm.end - view.offset)}
                        </button>
                      </div>
                    );
                  }),
                )}
              {open &&
                !replaceOpen &&
                g.matches.map((m) => {
                  const ranges = matchRanges(m.text, params.q, { regex: params.regex, caseSensitive: params.case });
                  const first = ranges[0]?.start ?? Math.max(0, m.column - 1);
                  const view = previewWindow(m.text, first);
                  // The first match on the line is selected when the file opens.
                  const [column, endColumn] = m.ranges?.[0] ?? [m.column, undefined];
                  return (
                    <button
                      type="button"
                      key={`${m.line}:${m.column}`}
                      className="search-line"
                      data-line={m.line}
                      title={`${g.path}:${m.line}`}
                      onClick={() => openEditor(g.path, { line: m.line, column, endColumn, preview: true })}
                      onDoubleClick={() => openEditor(g.path, { line: m.line, column, endColumn, preview: false })}
                    >
                      <span className="ln">{m.line}</span>
                      <Highlighted text={view.text} offset={view.offset} ranges={ranges} />
                    </button>
                  );
                })}
            </div>
          );
        })}
      </div>
    </div>
  );
}

function Highlighted({
  text,
  offset,
  ranges,
}: {
  text: string;
  offset: number;
  ranges: { start: number; end: number }[];
}) {
  const parts: React.ReactNode[] = [];
  let pos = 0;
  ranges.forEach((r, i) => {
    const s = r.start - offset;
    const e = r.end - offset;
    if (e <= pos || s >= text.length) return;
    const start = Math.max(s, pos);
    if (start > pos) parts.push(text.slice(pos, start));
    parts.push(<mark key={i}>{text.slice(start, e)}</mark>);
    pos = e;
  });
  if (pos < text.length) parts.push(text.slice(pos));
  return <span>{parts}</span>;
}
