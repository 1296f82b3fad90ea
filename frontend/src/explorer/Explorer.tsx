// The explorer view: a lazily loaded tree (one directory per request) with inline
// create/rename, a context menu, keyboard navigation and drag-and-drop moves.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { filesApi, workspaceApi } from "../api/endpoints";
import { ApiError, errorMessage } from "../api/http";
import type { TreeEntry } from "../api/types";
import { openEditor, useIsDirty } from "../editor/editorApi";
import { ChevronDown, ChevronRight, CollapseIcon, NewFileIcon, NewFolderIcon, RefreshIcon } from "../ui/icons";
import { useDecoration } from "../stores/decorations";
import { dirname, isSameOrDescendant } from "../util/paths";
import { startCreate, useExplorer } from "./explorerStore";
import { ContextMenu } from "./ContextMenu";
import { FileIcon, FolderIcon } from "../ui/fileIcons";
import { createEntry, deleteEntry, moveInto, refreshAll, renameEntry, treeKey } from "./fileOps";

const DRAG_TYPE = "application/x-pairpad-path";
let draggedPath: string | null = null;

export function Explorer() {
  const workspace = useQuery({ queryKey: ["workspace"], queryFn: workspaceApi.info, staleTime: 60_000 });
  const [open, setOpen] = useState(true);
  const collapseAll = useExplorer((s) => s.collapseAll);
  const edit = useExplorer((s) => s.edit);
  const menu = useExplorer((s) => s.menu);
  const [rootDrop, setRootDrop] = useState(false);
  const hasSelection = useExplorer((s) => s.selected !== null);
  return (
    <div className="explorer" style={{ display: "flex", flexDirection: "column", height: "100%" }}>
      <div className="view-header">
        <span className="title">Explorer</span>
        <div className="view-actions">
          <button
            type="button"
            className="icon-button"
            aria-label="New File…"
            title="New File…"
            onClick={() => startCreate("newFile")}
          >
            <NewFileIcon />
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label="New Folder…"
            title="New Folder…"
            onClick={() => startCreate("newFolder")}
          >
            <NewFolderIcon />
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label="Refresh Explorer"
            title="Refresh Explorer"
            onClick={() => void refreshAll()}
          >
            <RefreshIcon />
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label="Collapse Folders in Explorer"
            title="Collapse Folders in Explorer"
            onClick={collapseAll}
          >
            <CollapseIcon />
          </button>
        </div>
      </div>
      <button type="button" className="section-header" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? <ChevronDown /> : <ChevronRight />}
        <span>{workspace.data?.name ?? "Workspace"}</span>
      </button>
      {open && (
        <div
          className={`view-body${rootDrop ? " root-drop" : ""}`}
          onDragOver={(e) => {
            if (!draggedPath || dirname(draggedPath) === "") return;
            e.preventDefault();
            setRootDrop(true);
          }}
          onDragLeave={() => setRootDrop(false)}
          onDrop={(e) => {
            setRootDrop(false);
            if (!draggedPath) return;
            e.preventDefault();
            void moveInto(draggedPath, "");
          }}
          onContextMenu={(e) => {
            if (e.target !== e.currentTarget && !(e.target as HTMLElement).classList.contains("tree")) return;
            e.preventDefault();
            useExplorer.getState().openMenu({ x: e.clientX, y: e.clientY, path: null, isDir: true });
          }}
        >
          <div
            className="tree"
            role="tree"
            aria-label="Files"
            tabIndex={hasSelection ? -1 : 0}
            onKeyDown={onTreeKeyDown}
            onFocus={(e) => {
              // Tabbing into the tree lands on the selected row, or the first one.
              if (e.target !== e.currentTarget) return;
              const row =
                e.currentTarget.querySelector<HTMLElement>('[role="treeitem"][aria-selected="true"]') ??
                e.currentTarget.querySelector<HTMLElement>('[role="treeitem"]');
              if (row) {
                useExplorer.getState().select(row.dataset.path ?? null);
                row.focus();
              }
            }}
          >
            {edit && edit.mode !== "rename" && edit.dir === "" && <InlineInput depth={0} />}
            <DirChildren dir="" depth={0} />
          </div>
        </div>
      )}
      {menu && <ContextMenu />}
    </div>
  );
}

function DirChildren({ dir, depth }: { dir: string; depth: number }) {
  const query = useQuery({ queryKey: treeKey(dir), queryFn: () => filesApi.tree(dir), staleTime: 10_000 });
  const edit = useExplorer((s) => s.edit);
  const gone = query.isError && query.error instanceof ApiError && query.error.status === 404 && dir !== "";
  useEffect(() => {
    // A remembered folder deleted while Pairpad was closed: forget it rather than show an error.
    if (gone) useExplorer.getState().collapse(dir);
  }, [gone, dir]);
  if (query.isPending) return depth === 0 ? <div className="tree-empty">Loading…</div> : null;
  if (query.isError) {
    return (
      <div className="tree-error" style={{ paddingLeft: 20 + depth * 8 }} role="alert">
        {errorMessage(query.error)}
      </div>
    );
  }
  const entries = query.data.entries;
  return (
    <>
      {depth > 0 && edit && edit.mode !== "rename" && edit.dir === dir && <InlineInput depth={depth} />}
      {entries.length === 0 && depth === 0 && !edit && <div className="tree-empty">This folder is empty.</div>}
      {entries.map((entry) => (
        <TreeNode key={entry.path} entry={entry} depth={depth} />
      ))}
    </>
  );
}

function TreeNode({ entry, depth }: { entry: TreeEntry; depth: number }) {
  const isDir = entry.type === "dir";
  const expanded = useExplorer((s) => s.expanded.has(entry.path));
  const selected = useExplorer((s) => s.selected === entry.path);
  const renaming = useExplorer((s) => s.edit?.mode === "rename" && s.edit.path === entry.path);
  const revealing = useExplorer((s) => s.revealing === entry.path);
  const dirty = useIsDirty(entry.path);
  const decoration = useDecoration(entry.path);
  const deco = decoration && decoration.kind !== "ignored" ? ` deco-${decoration.kind}` : "";
  const [dropTarget, setDropTarget] = useState(false);
  const rowRef = useRef<HTMLDivElement>(null);
  const { toggle, select } = useExplorer.getState();
  useEffect(() => {
    if (!revealing) return;
    rowRef.current?.scrollIntoView({ block: "nearest" });
    useExplorer.getState().revealed();
  }, [revealing]);

  if (renaming) return <InlineInput depth={depth} initial={entry.name} isDir={isDir} />;

  const dropDir = isDir ? entry.path : dirname(entry.path);
  const canDrop = () => !!draggedPath && !isSameOrDescendant(dropDir, draggedPath) && dirname(draggedPath) !== dropDir;

  return (
    <>
      <div
        ref={rowRef}
        role="treeitem"
        aria-level={depth + 1}
        aria-expanded={isDir ? expanded : undefined}
        aria-selected={selected}
        aria-label={entry.name}
        tabIndex={selected ? 0 : -1}
        data-path={entry.path}
        data-type={entry.type}
        className={`tree-row${selected ? " selected" : ""}${entry.ignored ? " ignored" : ""}${dropTarget ? " drop-target" : ""}`}
        style={{ paddingLeft: 8 + depth * 8 }}
        title={entry.path}
        draggable
        onDragStart={(e) => {
          draggedPath = entry.path;
          e.dataTransfer.setData(DRAG_TYPE, entry.path);
          e.dataTransfer.effectAllowed = "move";
        }}
        onDragEnd={() => {
          draggedPath = null;
        }}
        onDragOver={(e) => {
          if (!canDrop()) return;
          e.preventDefault();
          e.stopPropagation();
          setDropTarget(true);
        }}
        onDragLeave={() => setDropTarget(false)}
        onDrop={(e) => {
          setDropTarget(false);
          if (!canDrop()) return;
          e.preventDefault();
          e.stopPropagation();
          const from = draggedPath!;
          draggedPath = null;
          void moveInto(from, dropDir);
        }}
        onClick={(e) => {
          select(entry.path);
          (e.currentTarget as HTMLElement).focus();
          if (isDir) toggle(entry.path);
          else openEditor(entry.path, { preview: true, focus: false });
        }}
        onDoubleClick={() => {
          if (!isDir) openEditor(entry.path, { preview: false });
        }}
        onContextMenu={(e) => {
          e.preventDefault();
          e.stopPropagation();
          select(entry.path);
          useExplorer.getState().openMenu({ x: e.clientX, y: e.clientY, path: entry.path, isDir });
        }}
      >
        <span className="twistie">
          {isDir ? expanded ? <ChevronDown size={14} /> : <ChevronRight size={14} /> : null}
        </span>
        {isDir ? <FolderIcon open={expanded} /> : <FileIcon path={entry.path} />}
        <span className={`name${dirty ? " dirty" : ""}${deco}`}>{entry.name}</span>
        {decoration?.letter && (
          <span className={`deco-letter${deco}`} title={decoration.tooltip}>
            {decoration.letter}
          </span>
        )}
        {entry.type === "symlink" && <span className="visually-hidden"> (symbolic link)</span>}
      </div>
      {isDir && expanded && (
        <div role="group">
          <DirChildren dir={entry.path} depth={depth + 1} />
        </div>
      )}
    </>
  );
}

function InlineInput({ depth, initial = "", isDir }: { depth: number; initial?: string; isDir?: boolean }) {
  const edit = useExplorer((s) => s.edit)!;
  const ref = useRef<HTMLInputElement>(null);
  const [value, setValue] = useState(initial);
  const busy = useRef(false);
  useEffect(() => {
    const input = ref.current;
    if (!input) return;
    input.focus();
    // Select the name without its extension, as VS Code does when renaming.
    const dot = initial.lastIndexOf(".");
    input.setSelectionRange(0, dot > 0 && !isDir ? dot : initial.length);
  }, [initial, isDir]);

  const commit = async () => {
    if (busy.current) return;
    const { endEdit, setEditError } = useExplorer.getState();
    if (!value.trim() && edit.mode !== "rename") return endEdit();
    busy.current = true;
    const error =
      edit.mode === "rename"
        ? await renameEntry(edit.path!, value)
        : await createEntry(edit.dir, value, edit.mode === "newFolder" ? "folder" : "file");
    busy.current = false;
    if (error) setEditError(error);
    else endEdit();
  };
  const label = edit.mode === "rename" ? "New name" : edit.mode === "newFolder" ? "New folder name" : "New file name";
  const icon = edit.mode === "newFolder" || isDir ? <FolderIcon open={false} /> : <FileIcon path={value || "file"} />;
  return (
    <div style={{ paddingLeft: 8 + depth * 8 }}>
      <div className="tree-row" style={{ cursor: "default" }}>
        <span className="twistie" />
        {icon}
        <input
          ref={ref}
          className="tree-input"
          aria-label={label}
          aria-invalid={!!edit.error}
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            if (edit.error) useExplorer.getState().setEditError(undefined);
          }}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === "Enter") void commit();
            else if (e.key === "Escape") useExplorer.getState().endEdit();
          }}
          onBlur={() => {
            if (!useExplorer.getState().edit?.error) void commit();
          }}
        />
      </div>
      {edit.error && (
        <div className="tree-input-error" role="alert">
          {edit.error}
        </div>
      )}
    </div>
  );
}

function onTreeKeyDown(e: React.KeyboardEvent<HTMLDivElement>) {
  const rows = [...e.currentTarget.querySelectorAll<HTMLElement>('[role="treeitem"]')];
  if (!rows.length) return;
  const current = document.activeElement as HTMLElement | null;
  const index = current ? rows.indexOf(current) : -1;
  const path = current?.dataset.path ?? null;
  const isDir = current?.dataset.type === "dir";
  const { expanded, expand, collapse, select } = useExplorer.getState();
  const focusRow = (row: HTMLElement | undefined) => {
    if (!row) return;
    select(row.dataset.path ?? null);
    row.focus();
  };
  switch (e.key) {
    case "ArrowDown":
      focusRow(rows[Math.min(index + 1, rows.length - 1)]);
      break;
    case "ArrowUp":
      focusRow(rows[Math.max(index - 1, 0)]);
      break;
    case "Home":
      focusRow(rows[0]);
      break;
    case "End":
      focusRow(rows[rows.length - 1]);
      break;
    case "ArrowRight":
      if (path && isDir) {
        if (!expanded.has(path)) expand(path);
        else focusRow(rows[index + 1]);
      }
      break;
    case "ArrowLeft":
      if (path && isDir && expanded.has(path)) collapse(path);
      else if (path) focusRow(rows.find((r) => r.dataset.path === dirname(path)));
      break;
    case "Enter":
      if (path && isDir) useExplorer.getState().toggle(path);
      else if (path) openEditor(path, { preview: false });
      break;
    case " ":
      if (path && !isDir) openEditor(path, { preview: true, focus: false });
      break;
    case "F2":
      if (path) useExplorer.getState().startEdit({ mode: "rename", dir: dirname(path), path });
      break;
    case "Delete":
      if (path) void deleteEntry(path, isDir);
      break;
    default:
      return;
  }
  e.preventDefault();
}
