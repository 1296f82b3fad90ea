// Monaco language features answered by the language servers, registered per language the
// server serves: hover, signature help, definition / type definition / implementation,
// references, highlights, rename (with a preview), formatting and code actions. Navigation
// answers only while a server of the language runs; otherwise the tag index (symbols/) does.
import { ensureBuffer, modelUri, monaco } from "../editor/editorApi";
import { notifyError } from "../stores/notifications";
import { hasLiveServer } from "../stores/languageServers";
import { describeFailure, LspError, lspRequest } from "./client";
import { changesNothing, isWorkspacePath, toLspPosition, toLspRange, toMonacoRange, type LineSource } from "./convert";
import { diagnosticsAt } from "./diagnosticsStore";
import { applyWorkspaceEdit } from "./edits";
import { confirmEdit, previewFiles } from "./editPreview";
import { documentation, hoverContents } from "./markdown";
import { showEditorMessage } from "./messages";
import type {
  CodeAction,
  Command,
  Diagnostic,
  DocumentHighlight,
  Hover,
  Location,
  LocationLink,
  LspRange,
  SignatureHelp,
  TextEdit,
  WorkspaceEdit,
} from "./protocol";
import { flush, pathOfModel } from "./sync";

export const APPLY_CODE_ACTION = "pairpad.lsp.applyCodeAction";
const PRELOAD_LIMIT = 25;

function linesOfModel(model: monaco.editor.ITextModel): LineSource {
  return { lineCount: model.getLineCount(), lineLength: (n) => model.getLineLength(n) };
}

function range(model: monaco.editor.ITextModel, r: LspRange): monaco.Range {
  return monaco.Range.lift(toMonacoRange(r, linesOfModel(model)));
}

/** A request about a model's file with its pending change sent first; null for non-files. */
async function request<T>(model: monaco.editor.ITextModel, method: string, params: object): Promise<T | null> {
  const path = pathOfModel(model);
  if (path === null) return null;
  flush(path);
  return lspRequest<T>(path, method, params);
}

function positionParams(position: monaco.Position): { position: { line: number; character: number } } {
  return { position: toLspPosition(position) };
}

/** For features the editor asks for on its own (hover, highlights): a failure shows nothing. */
async function quietly<T>(work: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await work();
  } catch (err) {
    // Expected while a server starts or when none can: visible to developers, not in the way.
    if (err instanceof LspError) console.debug(`language feature: ${err.status} ${err.message}`);
    else console.warn("language feature failed:", err);
    return fallback;
  }
}

// ---- locations ----

type LocationResult = Location | Location[] | LocationLink[] | null;

async function toMonacoLocations(result: LocationResult): Promise<monaco.languages.Location[]> {
  if (!result) return [];
  const list = (Array.isArray(result) ? result : [result]) as (Location | LocationLink)[];
  const found = list
    .map((loc) =>
      "targetUri" in loc
        ? { path: loc.targetUri, range: loc.targetSelectionRange ?? loc.targetRange }
        : { path: loc.uri, range: loc.range },
    )
    // A stub outside the workspace (the standard library's) cannot be opened.
    .filter((loc) => isWorkspacePath(loc.path));
  const paths = [...new Set(found.map((loc) => loc.path))].slice(0, PRELOAD_LIMIT);
  // Peek views show only files that have a model: load them through the buffers.
  await Promise.all(paths.map((path) => ensureBuffer(path).catch(() => undefined)));
  return found.map((loc) => {
    const model = monaco.editor.getModel(modelUri(loc.path));
    return {
      uri: modelUri(loc.path),
      range: monaco.Range.lift(toMonacoRange(loc.range, model ? linesOfModel(model) : undefined)),
    };
  });
}

function navigation(method: string, what: string) {
  return async (model: monaco.editor.ITextModel, position: monaco.Position) => {
    // No running server: the tag index answers (symbols/), this provider stays out of the way.
    if (!hasLiveServer(model.getLanguageId())) return [];
    try {
      return await toMonacoLocations(await request<LocationResult>(model, method, positionParams(position)));
    } catch (err) {
      if (method !== "textDocument/definition") showEditorMessage(model, describeFailure(err, what), position);
      return [];
    }
  };
}

// ---- rename ----

async function resolveRenameLocation(
  model: monaco.editor.ITextModel,
  position: monaco.Position,
): Promise<monaco.languages.RenameLocation & monaco.languages.Rejection> {
  const word = model.getWordAtPosition(position);
  const wordLocation = word
    ? {
        range: new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn),
        text: word.word,
      }
    : null;
  type Prepare = LspRange | { range: LspRange; placeholder: string } | { defaultBehavior: boolean } | null;
  let result: Prepare;
  try {
    result = await request<Prepare>(model, "textDocument/prepareRename", positionParams(position));
  } catch (err) {
    // A server without prepareRename can still rename: offer the word.
    if (err instanceof LspError && err.status === 501 && wordLocation) {
      return wordLocation;
    }
    return { range: new monaco.Range(1, 1, 1, 1), text: "", rejectReason: describeFailure(err, "Rename") };
  }
  if (!result) {
    return { range: new monaco.Range(1, 1, 1, 1), text: "", rejectReason: "This element cannot be renamed." };
  }
  if ("defaultBehavior" in result) {
    if (!wordLocation)
      return { range: new monaco.Range(1, 1, 1, 1), text: "", rejectReason: "Nothing to rename here." };
    return wordLocation;
  }
  if ("placeholder" in result) {
    return { range: range(model, result.range), text: result.placeholder };
  }
  const r = range(model, result);
  return { range: r, text: model.getValueInRange(r) };
}

const NOTHING: monaco.languages.WorkspaceEdit = { edits: [] };

async function provideRenameEdits(
  model: monaco.editor.ITextModel,
  position: monaco.Position,
  newName: string,
): Promise<monaco.languages.WorkspaceEdit & monaco.languages.Rejection> {
  const oldName = model.getWordAtPosition(position)?.word ?? "symbol";
  let edit: WorkspaceEdit | null;
  try {
    edit = await request<WorkspaceEdit>(model, "textDocument/rename", { ...positionParams(position), newName });
  } catch (err) {
    return { ...NOTHING, rejectReason: describeFailure(err, "Rename") };
  }
  if (!edit || Object.values(edit.changes ?? {}).every((e) => e.length === 0)) {
    return { ...NOTHING, rejectReason: `The language server found nothing to rename for '${oldName}'.` };
  }
  const title = `Rename '${oldName}' to '${newName}'`;
  const apply = await confirmEdit(title, await previewFiles(edit));
  // The edit is applied here (files on disk through the server), not by Monaco: it gets nothing.
  if (!apply) return NOTHING;
  try {
    await applyWorkspaceEdit(edit, title);
  } catch (err) {
    notifyError(`Could not apply the rename`, err);
  }
  return NOTHING;
}

// ---- formatting ----

function formattingOptions(options: monaco.languages.FormattingOptions): object {
  return { tabSize: options.tabSize, insertSpaces: options.insertSpaces };
}

function toMonacoEdits(model: monaco.editor.ITextModel, edits: TextEdit[] | null): monaco.languages.TextEdit[] {
  return (edits ?? []).map((e) => ({ range: range(model, e.range), text: e.newText }));
}

async function format(
  model: monaco.editor.ITextModel,
  method: string,
  params: object,
): Promise<monaco.languages.TextEdit[]> {
  try {
    return toMonacoEdits(model, await request<TextEdit[]>(model, method, params));
  } catch (err) {
    showEditorMessage(model, describeFailure(err, "Format"));
    return [];
  }
}

// ---- code actions ----

function isCommand(item: CodeAction | Command): item is Command {
  return typeof (item as Command).command === "string";
}

const MARKER = { 1: 8, 2: 4, 3: 2, 4: 1 } as Record<number, monaco.MarkerSeverity>;

function toMarker(model: monaco.editor.ITextModel, d: Diagnostic): monaco.editor.IMarkerData {
  return {
    ...range(model, d.range),
    severity: MARKER[d.severity ?? 1] ?? monaco.MarkerSeverity.Error,
    message: d.message,
    ...(d.source ? { source: d.source } : {}),
    ...(d.code != null ? { code: String(d.code) } : {}),
  };
}

type CodeActionItems = (CodeAction | Command)[] | null;
const NOTHING_TO_CHANGE = "Nothing to change in this file";

/** The last few code action requests by what they asked: the lightbulb's automatic request
 * and Ctrl+. at the same spot of the same text share one answer. Monaco replaces a pending
 * Ctrl+. with its own automatic request 250 ms after the cursor or the markers move, so the
 * menu must not wait for a second round trip to the servers. */
const recentCodeActions = new Map<string, Promise<CodeActionItems>>();
const RECENT_CODE_ACTIONS = 8;

function codeActionsOnce(
  model: monaco.editor.ITextModel,
  params: { range: LspRange; context: { diagnostics: Diagnostic[]; only?: string[] } },
): Promise<CodeActionItems> {
  const { range: r, context } = params;
  const key = JSON.stringify([model.uri.toString(), model.getVersionId(), r, context.only, context.diagnostics]);
  let answer = recentCodeActions.get(key);
  if (!answer) {
    answer = quietly(() => request<(CodeAction | Command)[]>(model, "textDocument/codeAction", params), null);
    recentCodeActions.set(key, answer);
    if (recentCodeActions.size > RECENT_CODE_ACTIONS) {
      recentCodeActions.delete(recentCodeActions.keys().next().value as string);
    }
  }
  return answer;
}

async function provideCodeActions(
  model: monaco.editor.ITextModel,
  selection: monaco.Range,
  context: monaco.languages.CodeActionContext,
): Promise<monaco.languages.CodeActionList> {
  const path = pathOfModel(model);
  if (path === null) return { actions: [], dispose: () => undefined };
  const lspRange = toLspRange(selection);
  const params = {
    range: lspRange,
    context: {
      diagnostics: diagnosticsAt(path, lspRange),
      ...(context.only ? { only: [context.only] } : {}),
      triggerKind: context.trigger === monaco.languages.CodeActionTriggerType.Invoke ? 1 : 2,
    },
  };
  const items = await codeActionsOnce(model, params);
  const actions = (items ?? []).map((item): monaco.languages.CodeAction => {
    const command = { id: APPLY_CODE_ACTION, title: item.title, arguments: [path, item] };
    if (isCommand(item)) return { title: item.title, command };
    // Listed greyed with why, rather than a choice that silently does nothing.
    const disabled = item.disabled?.reason ?? (changesNothing(item) ? NOTHING_TO_CHANGE : undefined);
    return {
      title: item.title,
      kind: item.kind,
      isPreferred: item.isPreferred,
      ...(disabled ? { disabled } : {}),
      diagnostics: (item.diagnostics ?? []).map((d) => toMarker(model, d)),
      command,
    };
  });
  return { actions, dispose: () => undefined };
}

/** Runs a chosen code action: resolves it if the server left its edit out, applies the edit, runs its command. */
export async function applyCodeAction(path: string, item: CodeAction | Command): Promise<void> {
  try {
    if (isCommand(item)) {
      // Sent back as given: `pairpadServer` routes it to the server that offered it.
      await lspRequest(path, "workspace/executeCommand", item);
      return;
    }
    let action = item;
    if (!action.edit && !action.command && action.data !== undefined) {
      flush(path);
      action = (await lspRequest<CodeAction>(path, "codeAction/resolve", action)) ?? action;
    }
    if (action.edit) await applyWorkspaceEdit(action.edit, action.title);
    if (action.command) {
      await lspRequest(path, "workspace/executeCommand", { ...action.command, pairpadServer: action.pairpadServer });
    }
  } catch (err) {
    notifyError(`Could not apply '${item.title}'`, err);
  }
}

// ---- registration ----

const registered = new Set<string>();

/** Registers every provider for a language, once. */
export function registerLanguage(language: string): void {
  if (registered.has(language)) return;
  registered.add(language);
  const L = monaco.languages;
  L.registerHoverProvider(language, {
    provideHover: (model, position) =>
      quietly(async () => {
        const hover = await request<Hover>(model, "textDocument/hover", positionParams(position));
        const contents = hoverContents(hover);
        if (!contents.length) return null;
        return { contents, ...(hover?.range ? { range: range(model, hover.range) } : {}) };
      }, null),
  });
  L.registerSignatureHelpProvider(language, {
    signatureHelpTriggerCharacters: ["(", ","],
    signatureHelpRetriggerCharacters: [")"],
    provideSignatureHelp: (model, position) =>
      quietly(async () => {
        const help = await request<SignatureHelp>(model, "textDocument/signatureHelp", positionParams(position));
        if (!help?.signatures?.length) return null;
        return {
          value: {
            activeSignature: help.activeSignature ?? 0,
            activeParameter: help.activeParameter ?? 0,
            signatures: help.signatures.map((s) => ({
              label: s.label,
              documentation: documentation(s.documentation),
              activeParameter: s.activeParameter,
              parameters: (s.parameters ?? []).map((p) => ({
                label: p.label,
                documentation: documentation(p.documentation),
              })),
            })),
          },
          dispose: () => undefined,
        };
      }, null),
  });
  L.registerDefinitionProvider(language, {
    provideDefinition: navigation("textDocument/definition", "Go to Definition"),
  });
  L.registerTypeDefinitionProvider(language, {
    provideTypeDefinition: navigation("textDocument/typeDefinition", "Go to Type Definition"),
  });
  L.registerImplementationProvider(language, {
    provideImplementation: navigation("textDocument/implementation", "Go to Implementation"),
  });
  L.registerReferenceProvider(language, {
    provideReferences: async (model, position, context) => {
      if (!hasLiveServer(model.getLanguageId())) return [];
      try {
        const params = { ...positionParams(position), context: { includeDeclaration: context.includeDeclaration } };
        return await toMonacoLocations(await request<Location[]>(model, "textDocument/references", params));
      } catch (err) {
        showEditorMessage(model, describeFailure(err, "Find References"), position);
        return [];
      }
    },
  });
  L.registerDocumentHighlightProvider(language, {
    provideDocumentHighlights: (model, position) =>
      quietly(async () => {
        const found = await request<DocumentHighlight[]>(
          model,
          "textDocument/documentHighlight",
          positionParams(position),
        );
        return (found ?? []).map((h) => ({
          range: range(model, h.range),
          kind: (h.kind ?? 1) - 1, // Monaco: 0 text, 1 read, 2 write
        }));
      }, null),
  });
  L.registerRenameProvider(language, { resolveRenameLocation, provideRenameEdits });
  L.registerDocumentFormattingEditProvider(language, {
    displayName: "Language server",
    provideDocumentFormattingEdits: (model, options) =>
      format(model, "textDocument/formatting", { options: formattingOptions(options) }),
  });
  L.registerDocumentRangeFormattingEditProvider(language, {
    displayName: "Language server",
    provideDocumentRangeFormattingEdits: (model, r, options) =>
      format(model, "textDocument/rangeFormatting", { range: toLspRange(r), options: formattingOptions(options) }),
  });
  L.registerCodeActionProvider(
    language,
    { provideCodeActions },
    { providedCodeActionKinds: ["quickfix", "source.organizeImports", "source.fixAll", "refactor", "source"] },
  );
}

let commandRegistered = false;

/** The command the code actions run (registered once with Monaco). */
export function registerApplyCommand(): void {
  if (commandRegistered) return;
  commandRegistered = true;
  monaco.editor.registerCommand(APPLY_CODE_ACTION, (_accessor, path: string, item: CodeAction | Command) => {
    void applyCodeAction(path, item);
  });
}

/**
 * typescript-language-server knows the whole project; Monaco's own TypeScript worker sees one
 * file and would double every hover, reference and (wrong: "cannot find module") diagnostic.
 * Keep only its completions.
 */
const builtinOn = new Map<string, boolean>();

/** `serverUsable`: a server of the language runs or may (not one that failed to start, whose
 * program is missing): then the built-in worker keeps only completions; otherwise it does all. */
export function setBuiltinTypescript(language: string, serverUsable: boolean): void {
  if (language !== "typescript" && language !== "javascript") return;
  const on = !serverUsable;
  if (builtinOn.get(language) === on) return;
  builtinOn.set(language, on);
  const defaults =
    language === "typescript"
      ? monaco.languages.typescript.typescriptDefaults
      : monaco.languages.typescript.javascriptDefaults;
  defaults.setModeConfiguration({
    completionItems: true,
    hovers: on,
    documentSymbols: true,
    definitions: on,
    references: on,
    documentHighlights: on,
    rename: on,
    diagnostics: on,
    documentRangeFormattingEdits: on,
    signatureHelp: on,
    onTypeFormattingEdits: on,
    codeActions: on,
    inlayHints: on,
  });
}
