// Monaco language features backed by the tag index: outline (Ctrl+Shift+O), go to definition
// (F12) and find references (Shift+F12) across files. Registered once for every language; where
// a language server of the file's language runs, it answers navigation instead (lsp/).
import { ensureBuffer, modelUri, monaco, openFile } from "../editor/editorApi";
import { hasLiveServer } from "../stores/languageServers";
import { pathOfUri, nameRange, toDocumentSymbol } from "./convert";
import { symbolsApi, type SymbolLocation } from "./symbolsApi";

const PRELOAD_LIMIT = 25; // peek views need the other files' models; load at most this many

let registered = false;

export function registerSymbolProviders(): void {
  if (registered) return;
  registered = true;
  monaco.languages.registerDocumentSymbolProvider("*", {
    displayName: "Pairpad index",
    provideDocumentSymbols: async (model) => {
      const path = pathOfUri(model.uri);
      if (!path) return [];
      const outline = await symbolsApi.outline(path, model.getValue());
      return outline.symbols.map(toDocumentSymbol);
    },
  });
  monaco.languages.registerDefinitionProvider("*", {
    provideDefinition: async (model, position) => {
      if (hasLiveServer(model.getLanguageId())) return [];
      const word = model.getWordAtPosition(position);
      const path = pathOfUri(model.uri);
      if (!word || !path) return [];
      return toLocations(await symbolsApi.definition(word.word, path));
    },
  });
  monaco.languages.registerReferenceProvider("*", {
    provideReferences: async (model, position, context) => {
      if (hasLiveServer(model.getLanguageId())) return [];
      const word = model.getWordAtPosition(position);
      if (!word) return [];
      const found = await symbolsApi.references(word.word);
      const definitions = context.includeDeclaration ? await symbolsApi.definition(word.word) : [];
      return toLocations([...definitions, ...found]);
    },
  });
  // Jumps into a file that is not the current model open it as a tab, like VS Code does.
  monaco.editor.registerEditorOpener({
    openCodeEditor: (_source, resource, selectionOrPosition) => {
      const path = pathOfUri(resource);
      if (!path) return false;
      const position =
        selectionOrPosition && "startLineNumber" in selectionOrPosition
          ? { lineNumber: selectionOrPosition.startLineNumber, column: selectionOrPosition.startColumn }
          : selectionOrPosition;
      openFile(path, position?.lineNumber, position?.column);
      return true;
    },
  });
}

async function toLocations(found: SymbolLocation[]): Promise<monaco.languages.Location[]> {
  const paths = [...new Set(found.map((loc) => loc.path))].slice(0, PRELOAD_LIMIT);
  // Monaco renders previews only for files that have a model: load them through the buffers.
  await Promise.all(paths.map((path) => ensureBuffer(path).catch(() => undefined)));
  return found.map((loc) => ({ uri: modelUri(loc.path), range: nameRange(loc) }));
}
