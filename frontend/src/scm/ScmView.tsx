// The Source Control view: a commit message box, then Merge / Staged / Changes / Untracked
// groups with per-file stage, unstage, discard and open-diff; "Initialise Repository" when
// the workspace is not in one.
import { useState } from "react";
import { openEditor } from "../editor/editorApi";
import { FileIcon } from "../ui/fileIcons";
import { ChevronDown, ChevronRight, FilesIcon, RefreshIcon } from "../ui/icons";
import { basename, dirname } from "../util/paths";
import { groupsOf, statusLabel, type GroupId, type ScmGroup } from "./groups";
import { openChangeDiff } from "./openDiff";
import type { GitChange } from "./scmApi";
import { commit, discard, initRepository, refreshStatus, remote, setMessage, stage, unstage, useScm } from "./scmStore";

export function ScmView() {
  const status = useScm((s) => s.status);
  const error = useScm((s) => s.error);
  const busy = useScm((s) => s.busy);
  return (
    <div className="scm" data-testid="scm-view">
      <div className="view-header">
        <span className="title">Source Control</span>
        <div className="view-actions">
          {status?.repository && (
            <>
              <button
                type="button"
                className="icon-button scm-text-button"
                title="Pull (fast-forward only)"
                aria-label="Pull"
                disabled={busy}
                onClick={() => void remote("pull")}
              >
                ↓
              </button>
              <button
                type="button"
                className="icon-button scm-text-button"
                title="Push"
                aria-label="Push"
                disabled={busy}
                onClick={() => void remote("push")}
              >
                ↑
              </button>
            </>
          )}
          <button
            type="button"
            className="icon-button"
            title="Refresh"
            aria-label="Refresh Source Control"
            onClick={() => void refreshStatus()}
          >
            <RefreshIcon />
          </button>
        </div>
      </div>
      <div className="view-body scm-body">
        {error && (
          <div className="scm-error" role="alert">
            {error}
          </div>
        )}
        {status && !status.repository && <NoRepository />}
        {status?.repository && <Repository />}
        {!status && !error && <div className="scm-empty">Loading…</div>}
      </div>
    </div>
  );
}

function NoRepository() {
  const busy = useScm((s) => s.busy);
  return (
    <div className="scm-empty">
      <p>The workspace is not a git repository.</p>
      <button type="button" className="btn primary" disabled={busy} onClick={() => void initRepository()}>
        Initialize Repository
      </button>
    </div>
  );
}

function Repository() {
  const status = useScm((s) => s.status)!;
  const groups = groupsOf(status);
  return (
    <>
      <CommitBox />
      {groups.length === 0 && <div className="scm-empty">No changes.</div>}
      {groups.map((group) => (
        <Group key={group.id} group={group} />
      ))}
    </>
  );
}

function CommitBox() {
  const message = useScm((s) => s.message);
  const busy = useScm((s) => s.busy);
  const branch = useScm((s) => s.status?.branch);
  const staged = useScm((s) => s.status?.staged?.length ?? 0);
  return (
    <div className="scm-commit">
      <textarea
        className="scm-message"
        aria-label="Commit message"
        placeholder={`Message (Ctrl+Enter to commit${branch ? ` on "${branch}"` : ""})`}
        value={message}
        rows={Math.min(8, Math.max(2, message.split("\n").length))}
        onChange={(e) => setMessage(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            e.stopPropagation();
            void commit();
          }
        }}
      />
      <button
        type="button"
        className="btn primary scm-commit-button"
        disabled={busy || !message.trim() || staged === 0}
        title={staged === 0 ? "Stage changes to commit them" : `Commit ${staged} staged file(s)`}
        onClick={() => void commit()}
      >
        ✓ Commit
      </button>
    </div>
  );
}

function Group({ group }: { group: ScmGroup }) {
  const [open, setOpen] = useState(true);
  const busy = useScm((s) => s.busy);
  const paths = group.changes.map((c) => c.path);
  return (
    <div className="scm-group" data-group={group.id}>
      <div className="scm-group-header">
        <button type="button" className="scm-group-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? <ChevronDown size={14} /> : <ChevronRight size={14} />}
          <span>{group.title}</span>
        </button>
        <span className="scm-actions">
          {group.id === "staged" ? (
            <ActionButton label="Unstage All Changes" glyph="−" disabled={busy} onClick={() => void unstage(paths)} />
          ) : (
            <>
              {group.id !== "conflicts" && (
                <ActionButton
                  label="Discard All Changes"
                  glyph="↶"
                  disabled={busy}
                  onClick={() => void discard(group.changes)}
                />
              )}
              <ActionButton label="Stage All Changes" glyph="+" disabled={busy} onClick={() => void stage(paths)} />
            </>
          )}
        </span>
        <span className="scm-count">{group.changes.length}</span>
      </div>
      {open && (
        <div role="list" aria-label={group.title}>
          {group.changes.map((change) => (
            <ChangeRow key={`${group.id}:${change.path}`} change={change} group={group.id} />
          ))}
        </div>
      )}
    </div>
  );
}

function ChangeRow({ change, group }: { change: GitChange; group: GroupId }) {
  const busy = useScm((s) => s.busy);
  const name = basename(change.path);
  const dir = dirname(change.path);
  const open = () => {
    if (group === "untracked" || change.status === "D") openEditor(change.path, { preview: true });
    else openChangeDiff(change.path, group === "staged");
  };
  return (
    <div
      role="listitem"
      className={`scm-row scm-${change.status === "?" ? "untracked" : change.status}`}
      data-path={change.path}
      data-testid="scm-row"
      title={`${change.path} — ${statusLabel(change.status)}${change.orig_path ? ` (from ${change.orig_path})` : ""}`}
      onClick={open}
    >
      <FileIcon path={change.path} />
      <span className="scm-name">{name}</span>
      {dir && <span className="scm-dir">{dir}</span>}
      <span className="scm-actions" onClick={(e) => e.stopPropagation()}>
        <ActionButton
          label={`Open File ${name}`}
          glyph={<FilesIcon size={14} />}
          onClick={() => openEditor(change.path, { preview: false })}
        />
        {group === "staged" ? (
          <ActionButton
            label={`Unstage ${name}`}
            glyph="−"
            disabled={busy}
            onClick={() => void unstage([change.path])}
          />
        ) : (
          <>
            {group !== "conflicts" && (
              <ActionButton
                label={`Discard ${name}`}
                glyph="↶"
                disabled={busy}
                onClick={() => void discard([change])}
              />
            )}
            <ActionButton label={`Stage ${name}`} glyph="+" disabled={busy} onClick={() => void stage([change.path])} />
          </>
        )}
      </span>
      <span className="scm-letter" aria-label={statusLabel(change.status)}>
        {change.status === "?" ? "U" : change.status}
      </span>
    </div>
  );
}

function ActionButton(props: { label: string; glyph: React.ReactNode; disabled?: boolean; onClick: () => void }) {
  return (
    <button
      type="button"
      className="icon-button scm-action"
      aria-label={props.label}
      title={props.label}
      disabled={props.disabled}
      onClick={props.onClick}
    >
      {props.glyph}
    </button>
  );
}
