// The Problems view of the bottom panel: every problem the editor knows, grouped by file;
// a row opens its file at the problem's line and column.
import { useMemo, useState } from "react";
import { useAllProblems } from "./useAllProblems";
import { openFile } from "../editor/editorApi";
import { FileIcon } from "../ui/fileIcons";
import { ChevronDown, ChevronRight, ErrorIcon, InfoIcon, WarningIcon } from "../ui/icons";
import { basename, dirname } from "../util/paths";
import { countProblems, groupProblems, toolLabel, type ProblemItem, type Severity } from "./model";
import { useProblems } from "./problemsStore";

export function SeverityIcon({ severity }: { severity: Severity }) {
  const Icon = severity === "error" ? ErrorIcon : severity === "warning" ? WarningIcon : InfoIcon;
  return <Icon className={`severity-icon ${severity}`} aria-label={severity} role="img" />;
}

/** The tab's badge: errors and warnings. */
export function ProblemsBadge() {
  const items = useAllProblems();
  const { errors, warnings } = countProblems(items);
  const total = errors + warnings;
  if (!total) return null;
  return (
    <span className="panel-badge" data-testid="problems-badge" title={`${errors} errors, ${warnings} warnings`}>
      {total}
    </span>
  );
}

export function ProblemsPanel() {
  const items = useAllProblems();
  const filter = useProblems((s) => s.filter);
  const setFilter = useProblems((s) => s.setFilter);
  const groups = useMemo(() => groupProblems(items, filter), [items, filter]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = (path: string) => {
    const next = new Set(collapsed);
    if (next.has(path)) next.delete(path);
    else next.add(path);
    setCollapsed(next);
  };
  return (
    <div className="problems-view">
      <div className="problems-filter">
        <input
          type="search"
          aria-label="Filter problems"
          placeholder="Filter (e.g. text, path, ruff)"
          value={filter}
          spellCheck={false}
          onChange={(e) => setFilter(e.target.value)}
        />
      </div>
      {items.length === 0 ? (
        <div className="panel-message">No problems have been detected in the workspace.</div>
      ) : groups.length === 0 ? (
        <div className="panel-message">No problems match the filter.</div>
      ) : (
        <div className="problems-list" role="tree" aria-label="Problems">
          {groups.map((group) => {
            const open = !collapsed.has(group.path);
            return (
              <div key={group.path} role="treeitem" aria-expanded={open} data-path={group.path}>
                <button type="button" className="problems-file" onClick={() => toggle(group.path)}>
                  {open ? <ChevronDown /> : <ChevronRight />}
                  <FileIcon path={group.path} />
                  <span className="name">{basename(group.path)}</span>
                  <span className="dir">{dirname(group.path)}</span>
                  <span className="count">{group.items.length}</span>
                </button>
                {open && (
                  <div role="group">
                    {group.items.map((item, i) => (
                      <ProblemRow key={`${item.owner}:${item.line}:${item.column}:${i}`} item={item} />
                    ))}
                  </div>
                )}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}

function ProblemRow({ item }: { item: ProblemItem }) {
  const where = `[Ln ${item.line}, Col ${item.column}]`;
  return (
    <button
      type="button"
      role="treeitem"
      className="problem-row"
      data-severity={item.severity}
      data-owner={item.owner}
      title={`${item.message}\n${toolLabel(item)} ${where}`}
      onClick={() => openFile(item.path, item.line, item.column)}
    >
      <SeverityIcon severity={item.severity} />
      {/* A language server's message may go on over lines (ruff's "help: …"): the row shows the first, the tooltip all. */}
      <span className="message">{item.message.split("\n", 1)[0]}</span>
      <span className="tool">{toolLabel(item)}</span>
      <span className="where">{where}</span>
    </button>
  );
}
