// Find in files: ripgrep on the server; results grouped by file; click opens at the line.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { searchApi } from "../api/endpoints";
import { errorMessage } from "../api/http";
import { ChevronDown, ChevronRight, CollapseIcon, RefreshIcon } from "../ui/icons";
import { openEditor } from "../editor/editorApi";
import { FileIcon } from "../ui/fileIcons";
import { basename, dirname } from "../util/paths";
import { groupByFile, matchRanges, previewWindow } from "./groupResults";
import { useSearchFocus } from "./searchFocus";

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
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const inputRef = useRef<HTMLInputElement>(null);
  const focusTick = useSearchFocus((s) => s.tick);

  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, [focusTick]);

  const params = useDebounced({ q: query, regex, case: caseSensitive, glob }, 250);
  const search = useQuery({
    queryKey: ["search", params],
    queryFn: ({ signal }) => searchApi.text(params, signal),
    enabled: params.q.length > 0,
    staleTime: 0,
    retry: false,
  });
  const groups = useMemo(() => groupByFile(search.data?.results ?? []), [search.data]);
  const total = search.data?.results.length ?? 0;

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
      </form>
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
          return (
            <div key={g.path} role="treeitem" aria-expanded={open} aria-selected={false}>
              <div
                className="search-file"
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
                <FileIcon path={g.path} />
                <span>{basename(g.path)}</span>
                <span className="dir">{dirname(g.path)}</span>
                <span className="count">{g.matches.length}</span>
              </div>
              {open &&
                g.matches.map((m) => {
                  const ranges = matchRanges(m.text, params.q, { regex: params.regex, caseSensitive: params.case });
                  const first = ranges[0]?.start ?? Math.max(0, m.column - 1);
                  const view = previewWindow(m.text, first);
                  return (
                    <button
                      type="button"
                      key={`${m.line}:${m.column}`}
                      className="search-line"
                      data-line={m.line}
                      title={`${g.path}:${m.line}`}
                      onClick={() => openEditor(g.path, { line: m.line, column: m.column, preview: true })}
                      onDoubleClick={() => openEditor(g.path, { line: m.line, column: m.column, preview: false })}
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
