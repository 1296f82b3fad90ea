// A fenced code block in an answer: colourised by Monaco's colorizer, with Copy, Insert at
// cursor and Apply (through the server's edit engine, then the review of the change it made).
import { useEffect, useRef, useState } from "react";
import { errorMessage } from "../api/http";
import { getActiveFile, insertAtCursor, monaco } from "../editor/editorApi";
import { applyEdit, type ApplyOutcome } from "../review/reviewApi";
import { useNotifications } from "../stores/notifications";
import { applyTarget, engineText, fenceLanguage, languageFor } from "./applyCode";

/** What Apply says under the block when it wrote nothing (or where the change went). */
interface ApplyNote {
  kind: "info" | "warning" | "error";
  text: string;
  /** The file's region the engine found closest to a SEARCH that matched nothing. */
  closest?: { start_line: number; end_line: number; text: string } | null;
}

function noteFor(outcome: ApplyOutcome, where: string): ApplyNote | null {
  switch (outcome.kind) {
    case "applied":
      return { kind: "info", text: `Applied to ${where}: accept or reject it in the review.` };
    case "already_applied":
      return { kind: "info", text: outcome.message };
    case "unsaved":
      return { kind: "warning", text: outcome.message };
    case "failed":
      return { kind: "error", text: `Not applied (nothing was changed): ${outcome.message}`, closest: outcome.closest };
    case "cancelled":
      return { kind: "info", text: "Not applied: nothing was changed." };
  }
}

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
  const [note, setNote] = useState<ApplyNote | null>(null);
  const [applying, setApplying] = useState(false);
  const noteRef = useRef<HTMLDivElement>(null);
  // A note under a long block may start below the chat's fold: bring it into view. (A block
  // body: Chromium's scrollIntoView returns a promise, which React would take for a cleanup.)
  useEffect(() => {
    void noteRef.current?.scrollIntoView({ block: "nearest" });
  }, [note]);
  const apply = async () => {
    const active = getActiveFile();
    const target = applyTarget({ lang: info, meta, before, contextPaths, activePath: active?.path ?? null });
    if (!target) {
      notify("warning", "The code block names no file: open the file to apply it to first.");
      return;
    }
    const { path } = target;
    const where = target.reason === "active" ? `${path} (the block names no file; used the active editor)` : path;
    setApplying(true);
    setNote(null);
    try {
      const outcome = await applyEdit({ text: engineText(info, code), path, source: "chat", title: `Chat: ${path}` });
      setNote(noteFor(outcome, where));
    } catch (err) {
      setNote({ kind: "error", text: `Could not apply: ${errorMessage(err)}` });
    } finally {
      setApplying(false);
    }
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
          disabled={applying}
          onClick={() => void apply()}
          title={`Apply to ${named ? named.path : "the active file"}: written, then shown in the review to accept or reject`}
        >
          {applying ? "Applying…" : "Apply"}
        </button>
      </div>
      {html !== null ? (
        <pre className="chat-code-body" dangerouslySetInnerHTML={{ __html: html }} />
      ) : (
        <pre className="chat-code-body">{code}</pre>
      )}
      {note && (
        <div ref={noteRef} className={`chat-code-note ${note.kind}`} role={note.kind === "error" ? "alert" : "status"}>
          <span className="chat-code-note-text">{note.text}</span>
          {note.closest && !note.text.includes(note.closest.text) && (
            <>
              <span className="chat-code-note-text">
                Closest region: lines {note.closest.start_line}–{note.closest.end_line}
              </span>
              <pre className="chat-code-note-closest">{note.closest.text}</pre>
            </>
          )}
          <button type="button" className="chat-code-btn" onClick={() => setNote(null)}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
