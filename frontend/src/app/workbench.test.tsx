// @vitest-environment jsdom
// The descriptor tables drive the rendering: side views, status bar items, tab kinds and hosts
// come from the registry, in their order; nothing in app/ names a feature.
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { useLayout } from "../stores/layout";
import { useTabs, type EditorGroup } from "../stores/tabs";
import type { IconProps } from "../ui/icons";
import { RegistryContext, WorkbenchRegistry } from "../workbench/registry";
import { ActivityBar } from "./ActivityBar";
import { SidePanel } from "./SidePanel";
import { StatusBar } from "./StatusBar";

// The real tab bar pulls in Monaco (file tabs); the group's body is what is under test here.
vi.mock("../editor/TabBar", () => ({ TabBar: () => null }));
const { EditorGroupView } = await import("../editor/EditorGroupView");

const Icon = (p: IconProps) => <svg data-size={p.size} />;

function registry(): WorkbenchRegistry {
  const wb = new WorkbenchRegistry();
  wb.sideView({ id: "notes", title: "Notes", icon: Icon, order: 20, component: () => <p>notes body</p>, titled: true });
  wb.sideView({
    id: "files",
    title: "Files",
    icon: Icon,
    order: 10,
    keybinding: "Ctrl+Shift+E",
    component: () => <p>files body</p>,
  });
  wb.statusBarItem({ id: "right", alignment: "right", order: 1, component: () => <span>right item</span> });
  wb.statusBarItem({ id: "left2", alignment: "left", order: 2, component: () => <span>left second</span> });
  wb.statusBarItem({ id: "left1", alignment: "left", order: 1, component: () => <span>left first</span> });
  wb.tabKind({
    kind: "test-note",
    component: ({ tab, groupId }) => <div data-testid="note-body">{`${groupId}:${tab.path}`}</div>,
    useInfo: (tab) => ({ title: tab.path, icon: null }),
  });
  return wb;
}

function renderWith(wb: WorkbenchRegistry, ui: React.ReactNode) {
  return render(<RegistryContext.Provider value={wb}>{ui}</RegistryContext.Provider>);
}

describe("the workbench renders its descriptor tables", () => {
  beforeEach(() => {
    useLayout.setState({ sideView: "files", sideVisible: true });
    useTabs.getState().reset();
  });
  afterEach(cleanup);

  it("activity bar: one button per side view, by order, with its keybinding; a click toggles the view", () => {
    renderWith(registry(), <ActivityBar />);
    const buttons = screen.getAllByRole("button").map((b) => b.getAttribute("aria-label"));
    expect(buttons).toEqual(["Files (Ctrl+Shift+E)", "Notes", "Settings (Ctrl+,)"]);
    expect(screen.getByLabelText("Files (Ctrl+Shift+E)").getAttribute("aria-pressed")).toBe("true");
    fireEvent.click(screen.getByLabelText("Notes"));
    expect(useLayout.getState().sideView).toBe("notes");
    fireEvent.click(screen.getByLabelText("Notes"));
    expect(useLayout.getState().sideVisible).toBe(false);
  });

  it("a view's reveal replaces the plain show when the activity bar reveals it", () => {
    const wb = registry();
    const reveal = vi.fn();
    wb.sideView({ id: "find", title: "Find", icon: Icon, order: 30, component: () => null, reveal });
    renderWith(wb, <ActivityBar />);
    fireEvent.click(screen.getByLabelText("Find"));
    expect(reveal).toHaveBeenCalledOnce();
    expect(useLayout.getState().sideView).toBe("files");
  });

  it("side panel: every view stays mounted, only the selected one shown; titled views get a header", () => {
    renderWith(registry(), <SidePanel />);
    expect(screen.getByText("files body").parentElement?.hidden).toBe(false);
    expect(screen.getByText("notes body").closest("[hidden]")).not.toBeNull();
    expect(screen.getByText("Notes").className).toBe("title");
  });

  it("status bar: left items then right items, each side by order", () => {
    const { container } = renderWith(registry(), <StatusBar />);
    const texts = [...container.querySelector("footer")!.children].map((el) => el.textContent || el.className);
    expect(texts).toEqual(["left first", "left second", "spacer", "right item"]);
  });

  it("editor group: the active tab's body is its kind's component; an empty group shows the watermark", () => {
    const wb = registry();
    const { rerender } = renderWith(wb, <EditorGroupView group={useTabs.getState().groups[0]} />);
    expect(screen.getByText("Pairpad")).toBeTruthy();
    useTabs.getState().open({ kind: "test-note", path: "todo" });
    const group: EditorGroup = useTabs.getState().groups[0];
    rerender(
      <RegistryContext.Provider value={wb}>
        <EditorGroupView group={group} />
      </RegistryContext.Provider>,
    );
    expect(screen.getByTestId("note-body").textContent).toBe(`${group.id}:todo`);
  });
});
