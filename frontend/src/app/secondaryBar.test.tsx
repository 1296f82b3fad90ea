// @vitest-environment jsdom
// The secondary side bar: views contributed with location "secondary" (chat) render there, beside
// the primary bar's view, toggled from the activity bar without hiding the primary one.
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { useLayout } from "../stores/layout";
import type { IconProps } from "../ui/icons";
import { RegistryContext, WorkbenchRegistry } from "../workbench/registry";
import { ActivityBar } from "./ActivityBar";
import { SidePanel } from "./SidePanel";

const Icon = (p: IconProps) => <svg data-size={p.size} />;

function registry(): WorkbenchRegistry {
  const wb = new WorkbenchRegistry();
  wb.sideView({ id: "files", title: "Files", icon: Icon, order: 10, component: () => <p>files body</p> });
  wb.sideView({
    id: "talk",
    location: "secondary",
    title: "Talk",
    icon: Icon,
    order: 30,
    component: () => <p>talk body</p>,
    titled: true,
  });
  return wb;
}

describe("the secondary side bar", () => {
  beforeEach(() =>
    useLayout.setState({ sideView: "files", sideVisible: true, secondaryVisible: false, secondarySide: "right" }),
  );
  afterEach(cleanup);

  it("shows its views beside the primary bar's, toggled from the activity bar", () => {
    render(
      <RegistryContext.Provider value={registry()}>
        <ActivityBar />
        <SidePanel />
        <SidePanel location="secondary" />
      </RegistryContext.Provider>,
    );
    const primary = screen.getByRole("complementary", { name: "Side bar" });
    expect(primary.textContent).toBe("files body"); // the secondary view is not in the primary bar
    expect(screen.queryByRole("complementary", { name: "Secondary bar" })).toBeNull(); // hidden
    fireEvent.click(screen.getByLabelText("Talk"));
    const secondary = screen.getByRole("complementary", { name: "Secondary bar" });
    expect(secondary.textContent).toContain("talk body");
    expect(screen.getByLabelText("Talk").getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByLabelText("Files").getAttribute("aria-pressed")).toBe("true"); // both shown
    expect(secondary.className).toBe("side-panel secondary right");
    fireEvent.click(screen.getByLabelText("Move Secondary Side Bar Left"));
    expect(useLayout.getState().secondarySide).toBe("left");
    const saved = JSON.parse(localStorage.getItem("pairpad.layout")!) as { secondarySide: string };
    expect(saved.secondarySide).toBe("left"); // remembered
    fireEvent.click(screen.getByLabelText("Hide Secondary Side Bar"));
    expect(useLayout.getState().secondaryVisible).toBe(false);
    expect(useLayout.getState().sideVisible).toBe(true);
  });
});
