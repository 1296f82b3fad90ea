// The branch picker (from the status bar's branch): type to filter, Enter switches; a name no
// branch has is offered as "Create branch". git's refusal (local changes) is shown as is.
import { useEffect, useMemo, useRef, useState } from "react";
import { errorMessage } from "../api/http";
import { branchEntries } from "./branchItems";
import { closeBranchPicker, useBranchPicker } from "./branchPickerStore";
import { gitApi, type BranchList } from "./scmApi";
import { switchBranch } from "./scmStore";

export function BranchPicker() {
  const open = useBranchPicker((s) => s.open);
  return open ? <PickerWidget /> : null;
}

function PickerWidget() {
  const [list, setList] = useState<BranchList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  const [selected, setSelected] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const previousFocus = useRef<Element | null>(document.activeElement);

  useEffect(() => inputRef.current?.focus(), []);
  useEffect(() => {
    gitApi.branches().then(setList, (err: unknown) => setError(errorMessage(err)));
  }, []);

  const items = useMemo(() => branchEntries(query, list?.branches ?? []), [list, query]);
  const dismiss = () => {
    closeBranchPicker();
    if (previousFocus.current instanceof HTMLElement) previousFocus.current.focus();
  };
  const choose = (index: number) => {
    const item = items[index];
    if (!item) return;
    dismiss();
    if (item.kind === "switch" && item.current) return;
    void switchBranch(item.name, item.kind === "create");
  };

  const empty = error ?? (list ? "No matching branches" : "Loading branches…");
  return (
    <>
      <div className="picker-backdrop" onMouseDown={dismiss} />
      <div className="quick-input" role="dialog" aria-label="Switch Branch" data-testid="branch-picker">
        <input
          ref={inputRef}
          role="combobox"
          aria-expanded="true"
          aria-controls="branch-picker-list"
          aria-label="Branch"
          placeholder="Select a branch to switch to, or type a new branch name"
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
        <ul className="quick-list" id="branch-picker-list" role="listbox">
          {items.length === 0 && <li className="quick-empty">{empty}</li>}
          {items.map((item, i) => (
            <li
              key={`${item.kind}:${item.name}`}
              role="option"
              aria-selected={i === selected}
              className="quick-item"
              data-branch={item.name}
              onMouseMove={() => setSelected(i)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(i)}
            >
              <span className="primary">{item.kind === "create" ? `+ Create branch "${item.name}"` : item.name}</span>
              <span className="secondary">{item.detail}</span>
            </li>
          ))}
        </ul>
      </div>
    </>
  );
}
