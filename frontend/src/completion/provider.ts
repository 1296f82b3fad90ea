// The Monaco side of inline completion: one inline completions provider for every language
// (ghost text; Tab accepts, Ctrl/Cmd+→ accepts a word and Esc dismisses — Monaco's own
// bindings), the recent-edits context, acceptance feedback, the warm-up of the model when the
// first file editor opens and of each file's prompt when its editor gets focus (warm.ts). The
// latency rules live in engine.ts.
import { api, errorMessage } from "../api/http";
import { getSocket } from "../api/socket";
import { monaco, modelUri } from "../editor/editorApi";
import { completionEnabledFor, currentCompletionSettings } from "../stores/settings";
import { CompletionEngine, requestBody, type CompletionQuery, type EngineEvent } from "./engine";
import { FeedbackTracker } from "./feedback";
import { RecentEditRing, type BufferLines } from "./recentEdits";
import { applyEngineEvent, setCompletionError, useCompletionStatus } from "./status";
import {
  httpTransport,
  postWarm,
  socketTransport,
  socketWarm,
  type CompletionTransport,
  type PostWarm,
} from "./transport";
import type { FeedbackBody, WarmResponse } from "./types";
import { FileWarmer, type WarmTarget } from "./warm";

/**
 * Socket.IO: one request is an emit and an ack on the connection the app already holds (no
 * per-request HTTP overhead: headers, cookie, XSRF check, routing); offline it falls back to
 * HTTP. Switch to `http` here if measurements say otherwise.
 */
export const TRANSPORT: "socket" | "http" = "socket";

const http = httpTransport();
const socket = socketTransport(getSocket, http);
const transport = (): CompletionTransport => (TRANSPORT === "socket" ? socket : http);

/** While the warm-up runs, a 503 ("the embedded model is starting") is not an error: the
 * status shows it working, and the suggestion is asked again once the model is ready. */
function onEngineEvent(event: EngineEvent): void {
  if (event.kind === "error" && event.status === 503 && useCompletionStatus.getState().starting) return;
  applyEngineEvent(event);
}

export const engine = new CompletionEngine({ transport, onEvent: onEngineEvent });

function sendFeedback(body: FeedbackBody): void {
  // Best effort: acceptance data never gets in the user's way.
  api<null>("/api/complete/feedback", { method: "POST", body }).catch(() => undefined);
}

export const feedback = new FeedbackTracker(sendFeedback);
const recentEdits = new RecentEditRing();

export const ACCEPT_COMMAND = "pairpad.completion.accepted";

interface Item extends monaco.languages.InlineCompletion {
  answerId: string;
}
interface List extends monaco.languages.InlineCompletions<Item> {
  answerId?: string;
}

/** A workspace file's path, or null for models that are not one (diffs' other sides, proposals). */
export function pathOf(model: monaco.editor.ITextModel): string | null {
  return model.uri.scheme === "file" ? model.uri.path.replace(/^\//, "") : null;
}

let nextEditorId = 0;
const editorIds = new WeakMap<monaco.editor.ICodeEditor, string>();

/** A stable id of the editor showing `model` (the focused one when several do). */
function editorIdFor(model: monaco.editor.ITextModel): string {
  const editors = monaco.editor.getEditors().filter((e) => e.getModel() === model);
  const editor = editors.find((e) => e.hasTextFocus()) ?? editors[0];
  if (!editor) return `model:${model.uri.toString()}`;
  let id = editorIds.get(editor);
  if (!id) editorIds.set(editor, (id = `editor-${++nextEditorId}`));
  return id;
}

function linesOf(path: string): BufferLines | undefined {
  const model = monaco.editor.getModel(modelUri(path));
  if (!model || model.isDisposed()) return undefined;
  return { count: model.getLineCount(), line: (n) => model.getLineContent(n) };
}

/** The completion query at `position` of `model` (a file's model: `path`). */
function queryAt(model: monaco.editor.ITextModel, path: string, position: monaco.IPosition): CompletionQuery {
  const end = model.getFullModelRange();
  return {
    editorId: editorIdFor(model),
    path,
    language: model.getLanguageId(),
    prefix: model.getValueInRange(new monaco.Range(1, 1, position.lineNumber, position.column)),
    suffix: model.getValueInRange(
      new monaco.Range(position.lineNumber, position.column, end.endLineNumber, end.endColumn),
    ),
    line: position.lineNumber,
    column: position.column,
    version: model.getVersionId(),
    recentEdits: () => recentEdits.context(path, linesOf),
  };
}

const EMPTY: List = { items: [] };

const provider: monaco.languages.InlineCompletionsProvider<List> = {
  async provideInlineCompletions(model, position, context, token) {
    const path = pathOf(model);
    if (!path || context.selectedSuggestionInfo) return EMPTY;
    if (!completionEnabledFor(currentCompletionSettings(), model.getLanguageId())) return EMPTY;
    const query = queryAt(model, path, position);
    const { version } = query;
    const answer = await engine.complete(query, token, () => (model.isDisposed() ? -1 : model.getVersionId()));
    // The engine already refuses another version; this is the last word before Monaco shows it.
    if (!answer || model.isDisposed() || model.getVersionId() !== version) return EMPTY;
    const { range } = answer;
    return {
      answerId: answer.id,
      items: [
        {
          answerId: answer.id,
          insertText: answer.text,
          range: new monaco.Range(range.start_line, range.start_column, range.end_line, range.end_column),
          command: { id: ACCEPT_COMMAND, title: "Accept completion", arguments: [answer.id] },
        },
      ],
    };
  },
  handleItemDidShow(_list, item) {
    feedback.shown(item.answerId);
  },
  handlePartialAccept(_list, item, acceptedCharacters) {
    feedback.partial(item.answerId, acceptedCharacters);
  },
  freeInlineCompletions(list) {
    if (list.answerId) feedback.released(list.answerId);
  },
};

let warmed = false;
/** Settles when the model's warm-up has: a file's warm-up waits for it, or the model's tiny
 * warm-up prompt could replace the file's in the model server's prompt cache. */
let modelWarm: Promise<unknown> = Promise.resolve();

/** Starts the autocomplete model before the first keystroke needs it (fire and forget). */
export function warmOnce(): void {
  if (warmed || !currentCompletionSettings()["completion.enabled"]) return;
  warmed = true;
  useCompletionStatus.setState({ starting: true });
  modelWarm = api<WarmResponse>("/api/complete/warm", { method: "POST" }).then(
    (warm) => {
      useCompletionStatus.setState({ starting: false, error: null, lastModel: warm.model });
      // Ask again where the user is waiting: the model was not ready for the last keystroke.
      for (const editor of monaco.editor.getEditors()) {
        if (editor.hasTextFocus()) editor.trigger("completion", "editor.action.inlineSuggest.trigger", null);
      }
    },
    (err) => {
      useCompletionStatus.setState({ starting: false });
      setCompletionError(`warm-up failed: ${errorMessage(err)}`);
    },
  );
}

const sendWarm: PostWarm = socketWarm(getSocket);

export const fileWarmer = new FileWarmer({
  send: (body) => modelWarm.then(() => (TRANSPORT === "socket" ? sendWarm(body) : postWarm(body))),
  enabled: (language) => completionEnabledFor(currentCompletionSettings(), language),
  onError: (err) => console.debug("completion warm-up of the file failed:", errorMessage(err)),
});

/** The file warm-up target of `editor`: its file at its cursor, now. */
function warmTarget(editor: monaco.editor.ICodeEditor): WarmTarget | null {
  const model = editor.getModel();
  const position = editor.getPosition();
  const path = model && !model.isDisposed() ? pathOf(model) : null;
  if (!model || !path || !position) return null;
  const query = queryAt(model, path, position);
  return { path, language: query.language, version: query.version, body: () => requestBody(query) };
}

function trackModel(model: monaco.editor.ITextModel): void {
  if (!pathOf(model)) return;
  model.onDidChangeContent((e) => {
    const path = pathOf(model);
    if (path) for (const change of e.changes) recentEdits.record(path, change.range.startLineNumber);
  });
  model.onWillDispose(() => {
    const path = pathOf(model);
    if (path) recentEdits.forget(path);
  });
}

function watchEditor(editor: monaco.editor.ICodeEditor): void {
  const check = () => {
    const model = editor.getModel();
    if (model && pathOf(model)) warmOnce();
  };
  const warmFile = () => fileWarmer.schedule(() => warmTarget(editor));
  editor.onDidChangeModel(() => {
    check();
    warmFile();
  });
  editor.onDidFocusEditorText(warmFile);
  check();
  if (editor.hasTextFocus()) warmFile();
}

/** Hides the shown suggestion and aborts every in-flight request (completion turned off). */
export function stopCompletions(): void {
  for (const editor of monaco.editor.getEditors()) {
    editor.trigger("completion", "editor.action.inlineSuggest.hide", null);
    const model = editor.getModel();
    if (model) engine.cancel(editorIdFor(model));
  }
  fileWarmer.cancel();
  useCompletionStatus.setState({ working: false });
}

let registered = false;

export function registerCompletionProvider(): void {
  if (registered) return;
  registered = true;
  monaco.languages.registerInlineCompletionsProvider("*", provider);
  monaco.editor.registerCommand(ACCEPT_COMMAND, (_accessor, id: string) => feedback.accepted(id));
  monaco.editor.getModels().forEach(trackModel);
  monaco.editor.onDidCreateModel(trackModel);
  monaco.editor.getEditors().forEach(watchEditor);
  monaco.editor.onDidCreateEditor(watchEditor);
}
