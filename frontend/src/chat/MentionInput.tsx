// The message box: Enter sends, Shift+Enter is a newline, `@` completes workspace paths
// (files and folders) through /api/search/files.
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { searchApi } from "../api/endpoints";
import { highlightPath } from "../ui/fuzzy";
import { Marked } from "../ui/Marked";

const MENTION = /(^|\s)@([\w./-]*)$/;

export function MentionInput({
  value,
  onChange,
  onSubmit,
  onMention,
  onPasteError,
  disabled,
  placeholder,
}: {
  value: string;
  onChange: (text: string) => void;
  onSubmit: () => void;
  onMention: (path: string) => void;
  /** Returns true when the pasted text was taken as an error context item. */
  onPasteError?: (text: string) => boolean;
  disabled?: boolean;
  placeholder?: string;
}) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const [query, setQuery] = useState<string | null>(null);
  const [options, setOptions] = useState<string[]>([]);
  const [active, setActive] = useState(0);

  useEffect(() => {
    if (query === null) return;
    let live = true; // stale answers are dropped (aborting would log failed requests)
    const timer = setTimeout(() => {
      searchApi
        .files(query, 8)
        .then((r) => {
          if (!live) return;
          const paths = r.results.map((x) => x.path);
          const folders = [...new Set(paths.map((p) => p.split("/").slice(0, -1).join("/")).filter(Boolean))]
            .filter((f) => f.toLowerCase().includes(query.toLowerCase()))
            .slice(0, 3)
            .map((f) => `${f}/`);
          setOptions([...paths, ...folders]);
          setActive(0);
        })
        .catch(() => live && setOptions([]));
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query]);

  const update = (text: string, caret: number) => {
    onChange(text);
    const match = MENTION.exec(text.slice(0, caret));
    setQuery(match ? match[2] : null);
    if (!match) setOptions([]);
  };

  const pick = (path: string) => {
    const el = ref.current;
    const caret = el?.selectionStart ?? value.length;
    const before = value.slice(0, caret).replace(MENTION, (_m, lead: string) => `${lead}@${path} `);
    const next = before + value.slice(caret);
    onChange(next);
    onMention(path.replace(/\/$/, ""));
    setQuery(null);
    setOptions([]);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(before.length, before.length);
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (options.length && query !== null) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        setActive((i) => (i + (e.key === "ArrowDown" ? 1 : options.length - 1)) % options.length);
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        pick(options[active]);
        return;
      }
      if (e.key === "Escape") {
        e.preventDefault();
        setQuery(null);
        setOptions([]);
        return;
      }
    }
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      onSubmit();
    }
  };

  return (
    <div className="chat-input-wrap">
      {query !== null && options.length > 0 && (
        <ul className="chat-mentions" role="listbox" aria-label="Mention a file or folder">
          {options.map((path, i) => (
            <li
              key={path}
              role="option"
              aria-selected={i === active}
              className={i === active ? "active" : ""}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(path);
              }}
            >
              @<MentionLabel query={query} path={path} />
            </li>
          ))}
        </ul>
      )}
      <textarea
        ref={ref}
        className="chat-input"
        aria-label="Ask about your code"
        value={value}
        disabled={disabled}
        placeholder={placeholder}
        rows={3}
        onChange={(e) => update(e.target.value, e.target.selectionStart)}
        onKeyDown={onKeyDown}
        onPaste={(e) => {
          if (onPasteError?.(e.clipboardData.getData("text/plain"))) e.preventDefault();
        }}
      />
    </div>
  );
}

/** The path with the query's matched characters marked (a folder keeps its trailing "/"). */
function MentionLabel({ query, path }: { query: string; path: string }) {
  const folder = path.endsWith("/");
  const bare = folder ? path.slice(0, -1) : path;
  const marks = highlightPath(query, bare);
  const slash = bare.lastIndexOf("/");
  const indices = [...marks.dir, ...marks.name.map((i) => i + slash + 1)];
  return (
    <>
      <Marked text={bare} indices={indices} />
      {folder ? "/" : ""}
    </>
  );
}
