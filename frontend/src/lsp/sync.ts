// Document sync: every workspace file model of a language some server serves is opened on the
// server (`lsp:open`), its text follows (`lsp:change`, full text, debounced, versioned),
// saves and closes are reported, and everything is reopened after a reconnect (the server may
// have restarted and forgotten). A request about a file first sends its pending change, so the
// server always answers about the text the user sees.
import { monaco } from "../editor/editorApi";
import { servedLanguages, useLanguageServers } from "../stores/languageServers";
import { emit, emitWithAck } from "./client";

export const CHANGE_DEBOUNCE_MS = 150;

interface Doc {
  path: string;
  model: monaco.editor.ITextModel;
  language: string;
  /** The version the server has (-1: not opened). */
  sentVersion: number;
  timer: ReturnType<typeof setTimeout> | null;
}

const docs = new Map<string, Doc>();
const servedListeners = new Set<(language: string) => void>();

/** Called with a language once the server said some server serves it (an `lsp:open` ack). */
export function onLanguageServed(listener: (language: string) => void): void {
  servedListeners.add(listener);
}

export function pathOfModel(model: monaco.editor.ITextModel): string | null {
  return model.uri.scheme === "file" ? model.uri.path.replace(/^\//, "") : null;
}

function mayBeServed(language: string): boolean {
  const servers = useLanguageServers.getState().servers;
  // Before the first status, ask: the open's ack says whether anything serves it.
  return servers === null || servedLanguages(servers).has(language);
}

function open(doc: Doc): void {
  if (doc.model.isDisposed() || !mayBeServed(doc.language)) return;
  const version = doc.model.getVersionId();
  doc.sentVersion = version;
  emitWithAck<{ ok: boolean; servers: string[] }>("lsp:open", {
    path: doc.path,
    language: doc.language,
    text: doc.model.getValue(),
    version,
  }).then(
    (ack) => {
      if (ack.servers.length) for (const listener of servedListeners) listener(doc.language);
      else if (docs.get(doc.path) === doc) doc.sentVersion = -1;
    },
    (err: unknown) => {
      if (docs.get(doc.path) === doc) doc.sentVersion = -1;
      console.warn(`lsp:open ${doc.path} failed:`, err);
    },
  );
}

/** Sends a file's pending change now (before a request about it). */
export function flush(path: string): void {
  const doc = docs.get(path);
  if (!doc) return;
  if (doc.timer !== null) clearTimeout(doc.timer);
  doc.timer = null;
  if (doc.sentVersion < 0 || doc.model.isDisposed()) return;
  const version = doc.model.getVersionId();
  if (version === doc.sentVersion) return;
  doc.sentVersion = version;
  emit("lsp:change", { path, version, text: doc.model.getValue() });
}

function schedule(doc: Doc): void {
  if (doc.sentVersion < 0) return;
  if (doc.timer !== null) clearTimeout(doc.timer);
  doc.timer = setTimeout(() => flush(doc.path), CHANGE_DEBOUNCE_MS);
}

function close(doc: Doc): void {
  if (doc.timer !== null) clearTimeout(doc.timer);
  doc.timer = null;
  if (doc.sentVersion >= 0) emit("lsp:close", { path: doc.path });
  doc.sentVersion = -1;
}

function track(model: monaco.editor.ITextModel): void {
  const path = pathOfModel(model);
  if (path === null) return;
  const previous = docs.get(path);
  if (previous && previous.model !== model) close(previous);
  const doc: Doc = { path, model, language: model.getLanguageId(), sentVersion: -1, timer: null };
  docs.set(path, doc);
  model.onDidChangeContent(() => schedule(doc));
  model.onDidChangeLanguage(() => {
    close(doc);
    doc.language = model.getLanguageId();
    open(doc);
  });
  model.onWillDispose(() => {
    close(doc);
    if (docs.get(path) === doc) docs.delete(path);
  });
  open(doc);
}

/** The file was saved: the server re-lints on save (ruff). */
export function didSave(path: string): void {
  const doc = docs.get(path);
  if (!doc || doc.sentVersion < 0) return;
  flush(path);
  emit("lsp:save", { path });
}

/** Opens every document not open yet whose language is now known to be served. */
export function openServed(): void {
  for (const doc of docs.values()) if (doc.sentVersion < 0) open(doc);
}

/** After a reconnect: the server may have lost every document; open them all again. */
export function reopenAll(): void {
  for (const doc of docs.values()) {
    if (doc.timer !== null) clearTimeout(doc.timer);
    doc.timer = null;
    doc.sentVersion = -1;
    open(doc);
  }
}

/** Whether the server holds this file (opened with a serving server). */
export function isOpen(path: string): boolean {
  return (docs.get(path)?.sentVersion ?? -1) >= 0;
}

let started = false;

export function startSync(): void {
  if (started) return;
  started = true;
  monaco.editor.getModels().forEach(track);
  monaco.editor.onDidCreateModel(track);
}
