// A fenced code block in an answer: colourised by Monaco's colorizer, with Copy,
// Insert at cursor and Apply to file (a diff to accept or reject).
import { useEffect, useState } from "react";
import {
  fileText,
  getActiveFile,
  getSelection,
  insertAtCursor,
  isFileOpen,
  monaco,
  openDiff,
  openFile,
} from "../editor/editorApi";
import { useNotifications } from "../stores/notifications";
import { applyTarget, fenceLanguage, languageFor, proposeContent } from "./applyCode";

export interface CodeBlockProps {
  code: string;
  /** The fence's first word ("python", "python:a.py", "a/b.py") and the rest of its line. */
  info: string;
  meta?: string;
  /** The answer's last non-blank line before the block (it often names the file). */
  before?: string;
  /** Files of the question's context: a bare name resolves to one of them. */
  contextPaths?: string[];
}

export function CodeBlock({ code, info, meta = "", before = "", contextPaths = [] }: CodeBlockProps) {
  const [html, setHtml] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const language = languageFor(fenceLanguage(info), monaco.languages.getLanguages());
  const named = applyTarget({ lang: info, meta, before, contextPaths, activePath: null });

  useEffect(() => {
    let live = true;
    // colorize escapes the text itself and returns spans: safe to inject.
    monaco.editor
      .colorize(code, language, { tabSize: 4 })
      .then((out) => live && setHtml(out))
      .catch(() => live && setHtml(null));
    return () => {
      live = false;
    };
  }, [code, language]);

  const notify = useNotifications.getState().push;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      setCopied(true);
      setTimeout(() => setCopied(false), 1200);
    } catch {
      notify("warning", "Copy failed: the browser refused clipboard access.");
    }
  };
  const insert = () => {
    if (!insertAtCursor(code)) notify("warning", "Open a file and place the cursor to insert the code.");
  };
  const apply = async () => {
    const active = getActiveFile();
    const target = applyTarget({ lang: info, meta, before, contextPaths, activePath: active?.path ?? null });
    if (!target) {
      notify("warning", "The code block names no file: open the file to apply it to first.");
      return;
    }
    const { path } = target;
    const current = await fileText(path);
    if (current !== null && !isFileOpen(path)) openFile(path);
    // The selection counts only when it is in the target file.
    const selection = active?.path === path ? getSelection() : null;
    const where = target.reason === "active" ? `${path} (the block names no file; used the active editor)` : path;
    const result = await openDiff(path, proposeContent(current ?? "", code, selection));
    notify("info", result === "accepted" ? `Applied to ${where} (unsaved).` : `Change to ${where} rejected.`);
  };

  return (
    <div className="chat-code" data-language={language}>
      <div className="chat-code-bar">
        <span className="chat-code-lang">{fenceLanguage(info) || "text"}</span>
        {named && (
          <span className="chat-code-file" title="Apply goes to this file">
            {named.path}
          </span>
        )}
        <button type="button" className="chat-code-btn" onClick={() => void copy()} title="Copy to the clipboard">
          {copied ? "Copied" : "Copy"}
        </button>
        <button
          type="button"
          className="chat-code-btn"
          onClick={insert}
          title="Insert at the cursor of the active editor"
        >
          Insert
        </button>
        <button
          type="button"
          className="chat-code-btn"
          onClick={() => void apply()}
          title={`Apply to ${named ? named.path : "the active file"} (replaces the selection, or the whole file) as a diff to accept or reject`}
        >
          Apply
        </button>
      </div>
      {html !== null ? (
        <pre className="chat-code-body" dangerouslySetInnerHTML={{ __html: html }} />
      ) : (
        <pre className="chat-code-body">{code}</pre>
      )}
    </div>
  );
}
