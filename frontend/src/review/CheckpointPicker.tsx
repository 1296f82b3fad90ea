// "Restore Checkpoint…" from the command palette: a quick pick of the checkpoints (newest
// first: time, source, title, files); Enter asks to confirm, then restores.
import { useEffect, useMemo, useRef, useState } from "react";
import { closeCheckpointPicker, loadCheckpoints, restoreCheckpoint, useCheckpoints } from "./checkpoints";
import { checkpointName, filesSummary, formatWhen } from "./hunks";

export function CheckpointPicker() {
  const open = useCheckpoints((s) => s.pickerOpen);
  return open ? <PickerWidget /> : null;
}

function PickerWidget() {
  const list = useCheckpoints((s) => s.list);
  const loadError = useCheckpoints((s) => s.loadError);
  const [loaded, setLoaded] = useState(false);
  const [query, setQuery] = useState("");
  const [selected, setSelected] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const previousFocus = useRef<Element | null>(document.activeElement);

  useEffect(() => inputRef.current?.focus(), []);
  useEffect(() => {
    void loadCheckpoints().then(() => setLoaded(true));
  }, []);

  const items = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (list ?? []).filter(
      (cp) => !q || `${cp.title} ${cp.source} ${cp.files.join(" ")}`.toLowerCase().includes(q),
    );
  }, [list, query]);

  const dismiss = () => {
    closeCheckpointPicker();
    if (previousFocus.current instanceof HTMLElement) previousFocus.current.focus();
  };
  const choose = (index: number) => {
    const cp = items[index];
    if (!cp) return;
    dismiss();
    void restoreCheckpoint(cp);
  };

  const empty =
    loadError ?? (!loaded ? "Loading checkpoints…" : query ? "No matching checkpoints" : "No checkpoints yet");
  return (
    <>
      <div className="picker-backdrop" onMouseDown={dismiss} />
      <div className="quick-input" role="dialog" aria-label="Restore Checkpoint" data-testid="checkpoint-picker">
        <input
          ref={inputRef}
          role="combobox"
          aria-expanded="true"
          aria-controls="checkpoint-picker-list"
          aria-label="Checkpoint"
          placeholder="Select the checkpoint to restore (undoes the AI changes made since)"
          value={query}
          spellCheck={false}
          onChange={(e) => {
            setQuery(e.target.value);
            setSelected(0);
          }}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown") setSelected((s) => Math.min(s + 1, items.length - 1));
            else if (e.key === "ArrowUp") setSelected((s) => Math.max(s - 1, 0));
            else if (e.key === "Enter") choose(selected);
            else if (e.key === "Escape") dismiss();
            else return;
            e.preventDefault();
            e.stopPropagation();
          }}
        />
        <ul className="quick-list" id="checkpoint-picker-list" role="listbox">
          {items.length === 0 && <li className="quick-empty">{empty}</li>}
          {items.map((cp, i) => (
            <li
              key={cp.id}
              role="option"
              aria-selected={i === selected}
              className="quick-item"
              data-checkpoint={cp.id}
              title={cp.files.join("\n")}
              onMouseMove={() => setSelected(i)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(i)}
            >
              <span className="primary">{checkpointName(cp)}</span>
              <span className="secondary">
                {formatWhen(cp.created_at)} · {cp.source} · {filesSummary(cp.files)}
              </span>
            </li>
          ))}
        </ul>
      </div>
    </>
  );
}
