// A fenced code block in an answer: colourised by Monaco's colorizer, with Copy,
// Insert at cursor and Apply to file (a diff to accept or reject).
import { useEffect, useState } from "react";
import { getActiveFile, getSelection, insertAtCursor, openDiff } from "../editor/editorApi";
import { monaco } from "../editor/monacoSetup";
import { useNotifications } from "../stores/notifications";
import { languageFor, proposeContent } from "./applyCode";

export function CodeBlock({ code, info }: { code: string; info: string }) {
  const [html, setHtml] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const language = languageFor(info, monaco.languages.getLanguages());

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
    const file = getActiveFile();
    if (!file) {
      notify("warning", "Open the file to apply the code to first.");
      return;
    }
    const result = await openDiff(file.path, proposeContent(file.content, code, getSelection()));
    notify("info", result === "accepted" ? `Applied to ${file.path} (unsaved).` : "Change rejected.");
  };

  return (
    <div className="chat-code" data-language={language}>
      <div className="chat-code-bar">
        <span className="chat-code-lang">{info || "text"}</span>
        <button type="button" className="chat-code-btn" onClick={() => void copy()} title="Copy to the clipboard">
          {copied ? "Copied" : "Copy"}
        </button>
        <button type="button" className="chat-code-btn" onClick={insert} title="Insert at the cursor of the active editor">
          Insert
        </button>
        <button type="button" className="chat-code-btn" onClick={() => void apply()} title="Apply to the active file (replaces the selection, or the whole file) as a diff to accept or reject">
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
