// The quick pick overlay the feature pickers share (branches, checkpoints, tasks, symbols): a
// filter box over a listbox; ArrowUp/Down move, Enter or a click picks, Escape or a click on
// the backdrop closes and gives the focus back to where it was.
import { useEffect, useRef, useState, type ReactNode } from "react";

/** Attributes a row may carry besides its role and class: data-* for tests, a title tooltip. */
export type RowAttributes = { title?: string } & { [data: `data-${string}`]: string | undefined };

export interface QuickPickerProps<T> {
  /** The dialog's accessible name ("Run Task"). */
  label: string;
  testId: string;
  /** The listbox's id, which the combobox controls. */
  listId: string;
  /** The filter box's accessible name ("Task name"). */
  inputLabel: string;
  placeholder: string;
  /** The filter text: the caller owns it, to filter locally or to query the server. */
  query: string;
  onQueryChange: (query: string) => void;
  /** The rows, already filtered; a new array resets the selection to the first row, so memoize. */
  items: readonly T[];
  itemKey: (item: T) => string;
  /** The row's content (spans with class primary/secondary). */
  renderItem: (item: T) => ReactNode;
  itemAttributes?: (item: T) => RowAttributes;
  /** Shown as the only row when there are none (loading, no match, an error). */
  emptyText: string;
  /** Called after the picker closed (the caller's onClose ran). */
  onPick: (item: T) => void;
  /** Hides the picker (the caller's store); the focus is given back here, not by the caller. */
  onClose: () => void;
  /** False when picking moves the focus itself (opening a file), so it is not taken back. */
  restoreFocusOnPick?: boolean;
  /** Shown between the filter box and the list (a configuration error). */
  header?: ReactNode;
}

export function QuickPicker<T>(props: QuickPickerProps<T>) {
  const { items, onClose, onPick, restoreFocusOnPick = true } = props;
  const [selected, setSelected] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const previousFocus = useRef<Element | null>(document.activeElement);

  useEffect(() => inputRef.current?.focus(), []);
  useEffect(() => setSelected(0), [items]);

  const close = (restoreFocus: boolean) => {
    onClose();
    if (restoreFocus && previousFocus.current instanceof HTMLElement) previousFocus.current.focus();
  };
  const pick = (item: T | undefined) => {
    if (item === undefined) return;
    close(restoreFocusOnPick);
    onPick(item);
  };

  return (
    <>
      {/* Below the picker (.quick-input is z-index 75), so a click reaches its items. */}
      <div className="picker-backdrop" onMouseDown={() => close(true)} />
      <div className="quick-input" role="dialog" aria-label={props.label} data-testid={props.testId}>
        <input
          ref={inputRef}
          role="combobox"
          aria-expanded="true"
          aria-controls={props.listId}
          aria-label={props.inputLabel}
          placeholder={props.placeholder}
          value={props.query}
          spellCheck={false}
          onChange={(e) => {
            props.onQueryChange(e.target.value);
            setSelected(0);
          }}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown") setSelected((s) => Math.max(0, Math.min(s + 1, items.length - 1)));
            else if (e.key === "ArrowUp") setSelected((s) => Math.max(s - 1, 0));
            else if (e.key === "Enter") pick(items[selected]);
            else if (e.key === "Escape") close(true);
            else return;
            e.preventDefault();
            e.stopPropagation();
          }}
        />
        {props.header}
        <ul className="quick-list" id={props.listId} role="listbox">
          {items.length === 0 && <li className="quick-empty">{props.emptyText}</li>}
          {items.map((item, i) => (
            <li
              {...props.itemAttributes?.(item)}
              key={props.itemKey(item)}
              role="option"
              aria-selected={i === selected}
              className="quick-item"
              onMouseMove={() => setSelected(i)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(item)}
            >
              {props.renderItem(item)}
            </li>
          ))}
        </ul>
      </div>
    </>
  );
}
