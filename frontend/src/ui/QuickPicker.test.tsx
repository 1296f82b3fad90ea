// @vitest-environment jsdom
// The shared quick pick: keyboard and mouse picking, Escape and backdrop closing with the focus
// given back, the selection reset when the rows change, the empty row, row attributes.
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useMemo, useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { QuickPicker } from "./QuickPicker";
import { filterByText } from "./textFilter";

const FRUITS = ["apple", "banana", "cherry"];

function Harness(props: { onPick: (f: string) => void; onClose: () => void; restoreFocusOnPick?: boolean }) {
  const [query, setQuery] = useState("");
  const items = useMemo(() => filterByText(FRUITS, query, (f) => f), [query]);
  return (
    <QuickPicker
      label="Pick Fruit"
      testId="fruit-picker"
      listId="fruit-list"
      inputLabel="Fruit"
      placeholder="Pick a fruit"
      query={query}
      onQueryChange={setQuery}
      items={items}
      itemKey={(f) => f}
      itemAttributes={(f) => ({ "data-fruit": f, title: `the ${f}` })}
      renderItem={(f) => <span className="primary">{f}</span>}
      emptyText="No matching fruit"
      {...props}
    />
  );
}

function setup(restoreFocusOnPick?: boolean) {
  const before = document.createElement("button");
  document.body.appendChild(before);
  before.focus();
  const onPick = vi.fn();
  const onClose = vi.fn();
  render(<Harness onPick={onPick} onClose={onClose} restoreFocusOnPick={restoreFocusOnPick} />);
  return { before, onPick, onClose, box: screen.getByRole("combobox", { name: "Fruit" }) };
}

const selected = () => screen.getByRole("option", { selected: true }).textContent;

afterEach(() => {
  cleanup();
  document.body.innerHTML = "";
});

describe("QuickPicker", () => {
  it("focuses the filter box and moves the selection with the arrows, clamped at both ends", () => {
    const { box } = setup();
    expect(document.activeElement).toBe(box);
    expect(box.getAttribute("aria-controls")).toBe("fruit-list");
    expect(selected()).toBe("apple");
    fireEvent.keyDown(box, { key: "ArrowUp" });
    expect(selected()).toBe("apple");
    fireEvent.keyDown(box, { key: "ArrowDown" });
    fireEvent.keyDown(box, { key: "ArrowDown" });
    fireEvent.keyDown(box, { key: "ArrowDown" });
    expect(selected()).toBe("cherry");
  });

  it("picks the selected row on Enter after closing, and gives the focus back", () => {
    const { box, before, onPick, onClose } = setup();
    fireEvent.keyDown(box, { key: "ArrowDown" });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(onPick).toHaveBeenCalledWith("banana");
    expect(onClose.mock.invocationCallOrder[0]).toBeLessThan(onPick.mock.invocationCallOrder[0]);
    expect(document.activeElement).toBe(before);
  });

  it("leaves the focus alone on a pick when asked to", () => {
    const { box, before, onPick } = setup(false);
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onPick).toHaveBeenCalledWith("apple");
    expect(document.activeElement).not.toBe(before);
  });

  it("filters, resets the selection to the first row, and shows the empty text", () => {
    const { box, onPick } = setup();
    fireEvent.keyDown(box, { key: "ArrowDown" });
    fireEvent.change(box, { target: { value: " AN " } });
    expect(screen.getAllByRole("option").map((o) => o.textContent)).toEqual(["banana"]);
    expect(selected()).toBe("banana");
    fireEvent.change(box, { target: { value: "kiwi" } });
    expect(screen.queryAllByRole("option")).toEqual([]);
    expect(screen.getByText("No matching fruit").className).toBe("quick-empty");
    fireEvent.keyDown(box, { key: "ArrowDown" });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onPick).not.toHaveBeenCalled();
  });

  it("picks a clicked row and carries the row attributes", () => {
    const { onPick } = setup();
    const row = screen.getByTestId("fruit-picker").querySelector('[data-fruit="cherry"]')!;
    expect(row.getAttribute("title")).toBe("the cherry");
    expect(row.className).toBe("quick-item");
    fireEvent.mouseMove(row);
    expect(selected()).toBe("cherry");
    fireEvent.click(row);
    expect(onPick).toHaveBeenCalledWith("cherry");
  });

  it("closes without picking on Escape and on a backdrop click", () => {
    const { box, before, onPick, onClose } = setup();
    fireEvent.keyDown(box, { key: "Escape" });
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(document.activeElement).toBe(before);
    fireEvent.mouseDown(document.querySelector(".picker-backdrop")!);
    expect(onClose).toHaveBeenCalledTimes(2);
    expect(onPick).not.toHaveBeenCalled();
  });
});
