// Text buffers: one Monaco model per open file, shared by every editor group that shows it.
// Owns load, save (etag PUT), dirty tracking, hot-exit backups and reactions to disk changes.
import { create } from "zustand";
import { filesApi } from "../api/endpoints";
import { ApiError } from "../api/http";
import type { FileContent, FsChange } from "../api/types";
import { notifyError, useNotifications } from "../stores/notifications";
import { useTabs } from "../stores/tabs";
import type { HotExit } from "./hotExit";
import { monaco } from "./monacoSetup";
import { minimalEdit } from "./textDiff";
import { disposeModel } from "./diffRegistry";
import { eolLabel } from "./eol";
import { isSameOrDescendant } from "../util/paths";

export type ConflictReason = "changed" | "deleted" | "save-rejected";

export interface Conflict {
  reason: ConflictReason;
  diskEtag: string | null;
  diskContent: string | null;
}

export interface BufferState {
  path: string;
  status: "loading" | "ready" | "error";
  error: string | null;
  errorStatus: number | null;
  etag: string | null;
  encoding: string;
  eol: string;
  language: string;
  dirty: boolean;
  saving: boolean;
  conflict: Conflict | null;
}

export const useBuffers = create<{ buffers: Record<string, BufferState> }>(() => ({ buffers: {} }));

const models = new Map<string, monaco.editor.ITextModel>();
const savedVersions = new Map<string, number>();
const loads = new Map<string, Promise<void>>();
const recheckAfterSave = new Set<string>();
let hotExit: HotExit | null = null;

export function setHotExit(instance: HotExit): void {
  hotExit = instance;
}

export function getHotExit(): HotExit | null {
  return hotExit;
}

export function getModel(path: string): monaco.editor.ITextModel | undefined {
  return models.get(path);
}

const saveListeners = new Set<(path: string) => void>();

/** Calls `listener` with a path after each save of it succeeded (language servers re-lint). */
export function onDidSaveBuffer(listener: (path: string) => void): () => void {
  saveListeners.add(listener);
  return () => saveListeners.delete(listener);
}

export function getBuffer(path: string): BufferState | undefined {
  return useBuffers.getState().buffers[path];
}

function patch(path: string, changes: Partial<BufferState>): void {
  useBuffers.setState((s) => {
    const current = s.buffers[path];
    if (!current) return s;
    return { buffers: { ...s.buffers, [path]: { ...current, ...changes } } };
  });
}

export function modelUri(path: string): monaco.Uri {
  return monaco.Uri.from({ scheme: "file", path: `/${path}` });
}

function knownLanguage(language: string | null): string | undefined {
  if (!language) return undefined;
  const id = language.toLowerCase();
  return monaco.languages.getLanguages().some((l) => l.id === id) ? id : undefined;
}

function markSaved(path: string, model: monaco.editor.ITextModel): void {
  savedVersions.set(path, model.getAlternativeVersionId());
}

function isDirty(path: string, model: monaco.editor.ITextModel): boolean {
  return savedVersions.get(path) !== model.getAlternativeVersionId();
}

/** Replaces the model's text as one undoable edit touching only what changed. */
export function replaceModelText(model: monaco.editor.ITextModel, text: string): void {
  const edit = minimalEdit(model.getValue(), text);
  if (!edit) return;
  const start = model.getPositionAt(edit.start);
  const end = model.getPositionAt(edit.end);
  model.pushStackElement();
  model.pushEditOperations(
    [],
    [{ range: new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column), text: edit.text }],
    () => null,
  );
  model.pushStackElement();
}

function onContentChanged(path: string, model: monaco.editor.ITextModel): void {
  const buffer = getBuffer(path);
  if (!buffer) return;
  const dirty = isDirty(path, model);
  if (dirty !== buffer.dirty) patch(path, { dirty });
  if (dirty) {
    useTabs.getState().pinPath(path);
    hotExit?.schedule(
      path,
      () => model.getValue(),
      () => getBuffer(path)?.etag ?? null,
    );
  } else {
    void hotExit?.discard(path);
  }
}

/** `language: null` for a buffer that has no file on disk (yet): guessed from the path. */
function createModel(path: string, file: { content: string; language: string | null }): monaco.editor.ITextModel {
  const model = monaco.editor.createModel(file.content, knownLanguage(file.language), modelUri(path));
  models.set(path, model);
  markSaved(path, model);
  model.onDidChangeContent(() => onContentChanged(path, model));
  return model;
}

/** Loads `path` into a buffer once; restores a hot-exit backup if one exists. */
export function ensureBuffer(path: string): Promise<void> {
  if (models.has(path)) return Promise.resolve();
  const inflight = loads.get(path);
  if (inflight) return inflight;
  useBuffers.setState((s) => ({
    buffers: {
      ...s.buffers,
      [path]: {
        path,
        status: "loading",
        error: null,
        errorStatus: null,
        etag: null,
        encoding: "utf-8",
        eol: "LF",
        language: "plaintext",
        dirty: false,
        saving: false,
        conflict: null,
      },
    },
  }));
  const promise = (async () => {
    const backup = await hotExit?.load(path).catch(() => undefined);
    let file: FileContent;
    try {
      file = await filesApi.read(path);
    } catch (err) {
      if (backup && err instanceof ApiError && err.status === 404) {
        // The file vanished while we were away but the user's text survives: keep it, flag it.
        const model = createModel(path, { content: "", language: null });
        patch(path, { status: "ready", etag: null, language: model.getLanguageId() });
        replaceModelText(model, backup.content);
        patch(path, { conflict: { reason: "deleted", diskEtag: null, diskContent: null } });
        return;
      }
      const status = err instanceof ApiError ? err.status : null;
      patch(path, { status: "error", error: describeLoadError(err), errorStatus: status });
      return;
    }
    const model = createModel(path, file);
    patch(path, {
      status: "ready",
      etag: file.etag,
      encoding: file.encoding || "utf-8",
      eol: eolLabel(file.eol, file.content),
      language: model.getLanguageId(),
    });
    if (backup && backup.content !== file.content) {
      replaceModelText(model, backup.content);
      if (backup.baseEtag !== file.etag) {
        patch(path, { conflict: { reason: "changed", diskEtag: file.etag, diskContent: file.content } });
      }
    } else if (backup) {
      void hotExit?.discard(path);
    }
  })().finally(() => loads.delete(path));
  loads.set(path, promise);
  return promise;
}

function describeLoadError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 415)
      return "This file is binary or uses an unsupported text encoding, so it is not shown in the editor.";
    if (err.status === 413) return "This file is too large to open in the editor.";
    return err.detail;
  }
  return String(err);
}

/** Disposes a buffer nobody shows any more. Its hot-exit backup is dropped by the caller's choice. */
export function releaseBuffer(path: string): void {
  const model = models.get(path);
  if (model) disposeModel(model);
  models.delete(path);
  savedVersions.delete(path);
  useBuffers.setState((s) => {
    if (!(path in s.buffers)) return s;
    const next = { ...s.buffers };
    delete next[path];
    return { buffers: next };
  });
}

function conflictEtag(body: unknown): string | null {
  if (!body || typeof body !== "object") return null;
  const b = body as Record<string, unknown>;
  if (typeof b.current_etag === "string") return b.current_etag;
  const detail = b.detail;
  if (detail && typeof detail === "object" && typeof (detail as Record<string, unknown>).current_etag === "string") {
    return (detail as Record<string, string>).current_etag;
  }
  return null;
}

export interface SaveOptions {
  /** Save over the disk version with this etag (the user chose Overwrite after seeing it). */
  overwriteEtag?: string | null;
}

/** Reads what is on disk now so the conflict bar (and Compare) show the version a retry would overwrite. */
async function refreshConflict(path: string, fallbackEtag: string | null): Promise<void> {
  let conflict: Conflict;
  try {
    const disk = await filesApi.read(path);
    conflict = { reason: "save-rejected", diskEtag: disk.etag, diskContent: disk.content };
  } catch (err) {
    conflict =
      err instanceof ApiError && err.status === 404
        ? { reason: "deleted", diskEtag: null, diskContent: null }
        : { reason: "save-rejected", diskEtag: fallbackEtag, diskContent: null };
  }
  patch(path, { conflict });
}

/** Saves through the etag API. Resolves true when the file on disk now holds the buffer. */
export async function saveBuffer(path: string, options: SaveOptions = {}): Promise<boolean> {
  const model = models.get(path);
  const buffer = getBuffer(path);
  if (!model || !buffer || buffer.status !== "ready" || buffer.saving) return false;
  const content = model.getValue();
  const version = model.getAlternativeVersionId();
  const overwriting = "overwriteEtag" in options;
  const etag = overwriting ? (options.overwriteEtag ?? null) : buffer.etag;
  patch(path, { saving: true });
  try {
    const result = await filesApi.write(path, content, etag);
    savedVersions.set(path, version);
    const dirty = isDirty(path, model);
    patch(path, { saving: false, etag: result.etag, dirty, conflict: null });
    for (const listener of saveListeners) listener(path);
    if (!dirty) await hotExit?.discard(path);
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) {
      // Nothing was written. Show the disk version that won, so a later Overwrite is an
      // informed choice about exactly that version.
      await refreshConflict(path, conflictEtag(err.body));
      patch(path, { saving: false });
      useNotifications
        .getState()
        .push(
          "warning",
          overwriting
            ? `${path} changed on disk again after you were shown it. Nothing was written — compare the newer version, then overwrite or revert.`
            : `${path} changed on disk since you opened it. Compare, overwrite or revert — nothing was written.`,
        );
    } else {
      patch(path, { saving: false });
      notifyError(`Could not save ${path}`, err);
    }
    return false;
  } finally {
    if (recheckAfterSave.delete(path)) void checkDisk(path);
  }
}

/**
 * Overwrite: write the buffer over the disk version the conflict bar showed (re-creating a
 * deleted file). If the disk moved on again since, the server refuses (409) and the bar is
 * refreshed with the newer version: a version the user has not seen is never clobbered.
 */
export async function overwriteBuffer(path: string): Promise<boolean> {
  const buffer = getBuffer(path);
  if (!buffer) return false;
  const etag = buffer.conflict ? buffer.conflict.diskEtag : buffer.etag;
  return saveBuffer(path, { overwriteEtag: etag });
}

/** Revert: drop the buffer's edits and show what is on disk. Returns false if the file is gone. */
export async function revertBuffer(path: string): Promise<boolean> {
  const model = models.get(path);
  if (!model) return false;
  let disk: FileContent;
  try {
    disk = await filesApi.read(path);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      await hotExit?.discard(path);
      useTabs.getState().closePath(path);
      releaseBuffer(path);
      return false;
    }
    notifyError(`Could not revert ${path}`, err);
    return false;
  }
  replaceModelText(model, disk.content);
  markSaved(path, model);
  patch(path, { etag: disk.etag, dirty: false, conflict: null });
  await hotExit?.discard(path);
  return true;
}

/** Discards unsaved edits without touching disk (close → Don't Save). */
export async function discardBuffer(path: string): Promise<void> {
  await hotExit?.discard(path);
  releaseBuffer(path);
}

/**
 * Paths the explorer is moving or deleting. The watcher reports the old path meanwhile;
 * re-reading it would race the move and end in a 404. The buffers follow the move itself.
 */
const settling = new Set<string>();

export async function whileSettling<T>(path: string, work: () => Promise<T>): Promise<T> {
  settling.add(path);
  try {
    return await work();
  } finally {
    settling.delete(path);
  }
}

function isSettling(path: string): boolean {
  for (const moving of settling) if (isSameOrDescendant(path, moving)) return true;
  return false;
}

/** Re-reads a file after a disk change: clean buffers follow the disk; dirty ones get the conflict bar. */
export async function checkDisk(path: string): Promise<void> {
  if (isSettling(path)) return;
  const buffer = getBuffer(path);
  if (!buffer || buffer.status !== "ready") return;
  if (buffer.saving) {
    recheckAfterSave.add(path);
    return;
  }
  let disk: FileContent;
  try {
    disk = await filesApi.read(path);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) markDeleted(path);
    return;
  }
  const model = models.get(path);
  const current = getBuffer(path);
  if (!model || !current) return;
  if (current.saving) {
    recheckAfterSave.add(path);
    return;
  }
  if (disk.etag === current.etag && current.conflict?.reason !== "deleted") return;
  // The bar already shows exactly this disk version.
  if (current.conflict && current.conflict.diskEtag === disk.etag && current.conflict.diskContent !== null) return;
  if (model.getValue() === disk.content) {
    markSaved(path, model);
    patch(path, { etag: disk.etag, dirty: false, conflict: null });
    void hotExit?.discard(path);
    return;
  }
  if (!isDirty(path, model)) {
    replaceModelText(model, disk.content);
    markSaved(path, model);
    patch(path, { etag: disk.etag, dirty: false, conflict: null });
    return;
  }
  patch(path, { conflict: { reason: "changed", diskEtag: disk.etag, diskContent: disk.content } });
}

function markDeleted(path: string): void {
  const buffer = getBuffer(path);
  if (!buffer || buffer.status !== "ready") return;
  patch(path, { conflict: { reason: "deleted", diskEtag: null, diskContent: null } });
}

export function handleFsChanges(changes: FsChange[]): void {
  const buffers = useBuffers.getState().buffers;
  for (const change of changes) {
    if (!(change.path in buffers)) continue;
    void checkDisk(change.path);
  }
}

/** After a reconnect the watcher may have missed events: re-check every open buffer. */
export function recheckAll(): void {
  for (const path of Object.keys(useBuffers.getState().buffers)) void checkDisk(path);
}

/**
 * Follows a rename/move made in the explorer: dirty text moves with the file. Synchronous
 * on purpose: call it in the same tick as the tabs' rename so no view sees a missing buffer.
 */
export function renameBuffer(from: string, to: string): void {
  const model = models.get(from);
  const buffer = getBuffer(from);
  if (!model || !buffer) return;
  const dirty = isDirty(from, model);
  const content = model.getValue();
  void hotExit?.rename(from, to);
  releaseBuffer(from);
  if (!dirty) return; // reloaded lazily from the new path
  const next = createModel(to, { content, language: null });
  savedVersions.set(to, -1);
  useBuffers.setState((s) => ({
    buffers: { ...s.buffers, [to]: { ...buffer, path: to, dirty: true, language: next.getLanguageId() } },
  }));
  // The moved file keeps its bytes; adopt the etag the server now reports for the new path.
  filesApi.read(to).then(
    (disk) => patch(to, { etag: disk.etag }),
    () => undefined,
  );
}

export function anyDirty(): boolean {
  return Object.values(useBuffers.getState().buffers).some((b) => b.dirty);
}
