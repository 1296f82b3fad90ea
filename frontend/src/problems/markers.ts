// Keeps Monaco's markers and the problems store in step, both ways: a server source's problems
// become markers (owner = the source, e.g. `task:test`) on the models of their files, also
// models opened later, and so do the language servers' diagnostics (owner `lsp:<server>`); Monaco's other markers (its JSON and TypeScript workers) are read
// back into the store so the panel lists everything the editor underlines.
import { modelUri, monaco } from "../editor/editorApi";
import { lspOwner } from "./lspDiagnostics";
import { byPath, fromModelMarker, toMarkerData, type LineBounds, type ModelMarker } from "./markerData";
import type { Problem, ProblemItem } from "./model";
import { useProblems } from "./problemsStore";

/** Every owner Pairpad set markers for: their markers are the store's, not read back. */
const owned = new Set<string>();

function boundsOf(model: monaco.editor.ITextModel): LineBounds {
  return {
    lineCount: model.getLineCount(),
    firstColumn: (line) => model.getLineFirstNonWhitespaceColumn(line) || 1,
    maxColumn: (line) => model.getLineMaxColumn(line),
  };
}

function pathOf(uri: monaco.Uri): string | null {
  return uri.scheme === "file" ? uri.path.replace(/^\//, "") : null;
}

function setFileMarkers(model: monaco.editor.ITextModel, owner: string, problems: readonly Problem[]): void {
  const bounds = boundsOf(model);
  monaco.editor.setModelMarkers(
    model,
    owner,
    problems.map((p) => toMarkerData(p, bounds)),
  );
}

/** Replaces one source's markers on every open model (files no longer named are cleared). */
export function applySourceMarkers(source: string, problems: readonly Problem[]): void {
  owned.add(source);
  const grouped = byPath(problems);
  for (const path of grouped.keys()) {
    const model = monaco.editor.getModel(modelUri(path));
    if (model) setFileMarkers(model, source, grouped.get(path) ?? []);
  }
  // Clear this owner on models whose file has no problem left.
  for (const marker of monaco.editor.getModelMarkers({ owner: source })) {
    const path = pathOf(marker.resource);
    if (path !== null && !grouped.has(path)) {
      const model = monaco.editor.getModel(marker.resource);
      if (model) monaco.editor.setModelMarkers(model, source, []);
    }
  }
}

/** Sets one server's markers of one file, if the file has a model (models opened later get them on creation). */
function applyLspFile(server: string, path: string, problems: readonly Problem[]): void {
  const owner = lspOwner(server);
  owned.add(owner);
  const model = monaco.editor.getModel(modelUri(path));
  if (model) setFileMarkers(model, owner, problems);
}

type LspState = Record<string, Record<string, Problem[]>>;

/** Applies what changed between two states of the language servers' diagnostics. */
function applyLspChanges(before: LspState, after: LspState): void {
  for (const server of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const was = before[server] ?? {};
    const now = after[server] ?? {};
    if (was === now) continue;
    for (const path of new Set([...Object.keys(was), ...Object.keys(now)])) {
      if (was[path] !== now[path]) applyLspFile(server, path, now[path] ?? []);
    }
  }
}

function readEditorMarkers(): void {
  const items = monaco.editor
    .getModelMarkers({})
    .filter((m) => !owned.has(m.owner))
    .map((m) => fromModelMarker(m as ModelMarker))
    .filter((m): m is ProblemItem => m !== null);
  useProblems.getState().setEditorMarkers(items);
}

let started = false;

/** Wires the store to Monaco once: source changes, models opened later, Monaco's own markers. */
export function startMarkerSync(): void {
  if (started) return;
  started = true;
  let previous = useProblems.getState().sources;
  for (const [source, problems] of Object.entries(previous)) applySourceMarkers(source, problems);
  let previousLsp = useProblems.getState().lsp;
  applyLspChanges({}, previousLsp);
  useProblems.subscribe((state) => {
    if (state.lsp !== previousLsp) {
      const before = previousLsp;
      previousLsp = state.lsp;
      applyLspChanges(before, state.lsp);
    }
    if (state.sources === previous) return;
    const before = previous;
    previous = state.sources;
    for (const source of new Set([...Object.keys(before), ...Object.keys(state.sources)])) {
      if (before[source] !== state.sources[source]) applySourceMarkers(source, state.sources[source] ?? []);
    }
  });
  monaco.editor.onDidCreateModel((model) => {
    const path = pathOf(model.uri);
    if (path === null) return;
    for (const [source, problems] of Object.entries(useProblems.getState().sources)) {
      const mine = problems.filter((p) => p.path === path);
      if (mine.length) setFileMarkers(model, source, mine);
    }
    for (const [server, files] of Object.entries(useProblems.getState().lsp)) {
      const mine = files[path];
      if (mine?.length) setFileMarkers(model, lspOwner(server), mine);
    }
  });
  let pending = false;
  monaco.editor.onDidChangeMarkers(() => {
    // Workers re-validate on every keystroke: read the markers once per frame at most.
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      readEditorMarkers();
    });
  });
  readEditorMarkers();
}
