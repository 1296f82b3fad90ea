// Monaco with its workers bundled by Vite (`?worker`): no CDN, no eval, CSP-clean.
import * as monaco from "monaco-editor";
import EditorWorker from "monaco-editor/esm/vs/editor/editor.worker?worker";
import JsonWorker from "monaco-editor/esm/vs/language/json/json.worker?worker";
import CssWorker from "monaco-editor/esm/vs/language/css/css.worker?worker";
import HtmlWorker from "monaco-editor/esm/vs/language/html/html.worker?worker";
import TsWorker from "monaco-editor/esm/vs/language/typescript/ts.worker?worker";
import { errorHandler } from "monaco-editor/esm/vs/base/common/errors.js";
import { ApiError } from "../api/http";

/**
 * Monaco 0.52 reports benign errors when an editor or diff editor is disposed while its
 * own async work is pending ("Canceled", "… has been disposed"; monaco-editor#4581).
 * Drop those; every other unexpected error is still logged loudly.
 */
export function isBenignMonacoError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === "Canceled" || error.message === "Canceled") return true;
  return /^(AbstractContextKeyService|InstantiationService) has been disposed/.test(error.message);
}

(errorHandler as { unexpectedErrorHandler: (e: unknown) => void }).unexpectedErrorHandler = (error: unknown) => {
  if (isBenignMonacoError(error)) return;
  // A language feature whose request failed (server offline, file just deleted) is an
  // expected condition the UI already shows elsewhere, not a bug.
  if (error instanceof ApiError) {
    console.warn(`Language feature request failed: ${error.detail}`);
    return;
  }
  console.error("Monaco error:", error);
};

window.addEventListener("unhandledrejection", (event) => {
  if (isBenignMonacoError(event.reason)) event.preventDefault();
});

self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    switch (label) {
      case "json":
        return new JsonWorker();
      case "css":
      case "scss":
      case "less":
        return new CssWorker();
      case "html":
      case "handlebars":
      case "razor":
        return new HtmlWorker();
      case "typescript":
      case "javascript":
        return new TsWorker();
      default:
        return new EditorWorker();
    }
  },
};

// Colours that match the workbench chrome in styles/theme.css.
monaco.editor.defineTheme("pairpad-dark", {
  base: "vs-dark",
  inherit: true,
  rules: [],
  colors: { "editor.background": "#1e1f22", "editorGutter.background": "#1e1f22", "minimap.background": "#1e1f22" },
});
monaco.editor.defineTheme("pairpad-light", {
  base: "vs",
  inherit: true,
  rules: [],
  colors: { "editor.background": "#ffffff" },
});

export { monaco };
