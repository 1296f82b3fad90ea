"""The workbench around the editor: accessibility basics, the resizable side bar, the theme
following the OS, and a status bar that keeps up with the git branch."""

from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import expect

from .conftest import IDE

pytestmark = pytest.mark.e2e

EDITOR = ".editor-group.focused .monaco-editor"
HAS_NAME = re.compile(r"\S")


def assert_every_button_is_named(ide: IDE, state: str) -> None:
    """Every HTML button (and our own role=button elements) has a non-empty accessible name."""
    page = ide.page
    # Tag the buttons first: an index into a live list would shift when a view mounts while
    # we iterate, and then name the wrong element.
    count = page.evaluate(
        """selector => {
          let i = 0;
          for (const b of document.querySelectorAll(selector)) b.dataset.a11yCheck = String(i++);
          return i;
        }""",
        "button, [role='button']:not(.monaco-editor *)",
    )
    assert count > 0, state
    for i in range(count):
        button = page.locator(f"[data-a11y-check='{i}']")
        if button.count() == 0 or not button.is_visible():
            continue
        html = button.evaluate("b => b.outerHTML.slice(0, 160)")
        expect(button, f"{state}: unnamed button {html}").to_have_accessible_name(HAS_NAME)


def test_keyboard_reaches_the_activity_bar_with_a_visible_focus_ring(ide: IDE) -> None:
    page = ide.page
    # Nothing is focused yet: the first Tab from the start of the page lands on the first
    # activity bar button.
    activity = page.get_by_role("navigation", name="Views").get_by_role("button")
    page.keyboard.press("Tab")
    first = activity.first
    expect(first).to_be_focused()
    ring = first.evaluate(
        """b => {
          const s = getComputedStyle(b);
          return { visible: b.matches(':focus-visible'), style: s.outlineStyle,
                   width: parseFloat(s.outlineWidth), shadow: s.boxShadow };
        }"""
    )
    assert ring["visible"], ring
    assert (ring["style"] != "none" and ring["width"] > 0) or ring["shadow"] != "none", ring
    page.keyboard.press("Tab")
    expect(activity.nth(1)).to_be_focused()
    ide.screenshot("keyboard-focus-activity-bar")
    # Enter activates the focused control: the search view opens.
    page.keyboard.press("Enter")
    expect(page.get_by_role("textbox", name="Search")).to_be_visible()


def test_every_button_has_an_accessible_name(ide: IDE) -> None:
    page = ide.page
    ide.open_file("shop/orders.py")
    assert_every_button_is_named(ide, "explorer with a file open")
    page.locator(f"{EDITOR} .view-lines").click()
    page.keyboard.press("Control+H")  # Monaco's find/replace widget has buttons too
    expect(page.locator(f"{EDITOR} .find-widget")).to_be_visible()
    assert_every_button_is_named(ide, "find widget")
    page.keyboard.press("Escape")
    page.keyboard.press("Control+Shift+F")
    expect(page.get_by_role("textbox", name="Search")).to_be_focused()
    assert_every_button_is_named(ide, "search view")
    page.keyboard.press("Control+Alt+I")
    expect(page.locator(".side-panel .view-header .title", has_text="Chat")).to_be_visible()
    assert_every_button_is_named(ide, "chat view")
    page.keyboard.press("Control+J")
    expect(page.get_by_role("region", name="Panel")).to_be_visible()
    page.keyboard.press("Control+,")
    expect(page.locator(".settings-page")).to_be_visible()
    assert_every_button_is_named(ide, "settings and bottom panel")


def test_status_bar_only_announces_the_connection(ide: IDE) -> None:
    page = ide.page
    ide.open_file("shop/orders.py")
    bar = page.get_by_role("contentinfo", name="Status bar")
    expect(bar).to_be_visible()
    expect(bar).not_to_have_attribute("role", "status")
    expect(bar).not_to_have_attribute("aria-live", re.compile(".+"))
    live = bar.locator("[role='status'], [aria-live]")
    expect(live).to_have_count(1)
    expect(live).to_have_attribute("data-testid", "status-connection")
    expect(live).to_have_attribute("aria-live", "polite")
    # The cursor position is outside every live region.
    position = page.get_by_test_id("status-position")
    assert position.evaluate("e => e.closest('[role=status], [aria-live], [role=alert]')") is None


def test_side_bar_resizes_by_dragging_the_sash_and_keeps_its_width(ide: IDE) -> None:
    page = ide.page
    panel = page.get_by_role("complementary", name="Side bar")
    sash = page.get_by_role("separator", name="Resize side bar")
    before = panel.bounding_box()
    box = sash.bounding_box()
    assert before and box
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y, steps=4)
    page.mouse.move(x + 140, y, steps=4)
    page.mouse.up()
    expect(sash).to_have_attribute("aria-valuenow", str(round(before["width"]) + 140))
    after = panel.bounding_box()
    assert after and abs(after["width"] - (before["width"] + 140)) <= 2, (before, after)
    ide.screenshot("side-bar-resized")
    ide.reload()
    expect(sash).to_have_attribute("aria-valuenow", str(round(before["width"]) + 140))
    reloaded = panel.bounding_box()
    assert reloaded and abs(reloaded["width"] - after["width"]) <= 1
    # The keyboard resizes too.
    sash.focus()
    page.keyboard.press("ArrowLeft")
    expect(sash).to_have_attribute("aria-valuenow", str(round(before["width"]) + 130))


BACKGROUNDS = {"dark": "rgb(30, 31, 34)", "light": "rgb(255, 255, 255)"}


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_theme_follows_the_os_by_default(ide: IDE, color_scheme: str) -> None:
    page = ide.page
    page.keyboard.press("Control+,")
    expect(page.get_by_label("Color Theme")).to_have_value("system")
    ide.open_file("shop/orders.py")
    html = page.locator("html")
    editor_bg = page.locator(f"{EDITOR} .lines-content.monaco-editor-background")
    expect(html).to_have_attribute("data-theme", color_scheme)
    expect(editor_bg).to_have_css("background-color", BACKGROUNDS[color_scheme])
    chrome = page.locator(".side-panel").evaluate("e => getComputedStyle(e).backgroundColor")
    ide.screenshot(f"theme-system-{color_scheme}")
    # And it follows the OS when that changes while Pairpad is open.
    other = "dark" if color_scheme == "light" else "light"
    page.emulate_media(color_scheme=other)
    expect(html).to_have_attribute("data-theme", other)
    expect(editor_bg).to_have_css("background-color", BACKGROUNDS[other])
    # The workbench chrome (not only Monaco) changes colour too.
    expect(page.locator(".side-panel")).not_to_have_css("background-color", chrome)


def git(ide: IDE, *args: str) -> None:
    subprocess.run(["git", *args], cwd=ide.workspace, check=True, capture_output=True)


def test_branch_follows_checkouts(ide: IDE) -> None:
    page = ide.page
    branch = page.get_by_test_id("status-branch")
    expect(branch).to_have_text("main")
    # A checkout only touches .git, which the watcher ignores: coming back to the window
    # refreshes the branch.
    git(ide, "checkout", "-q", "-b", "feature/cart")
    page.evaluate("() => window.dispatchEvent(new Event('focus'))")
    expect(branch).to_have_text("feature/cart")
    # Any file event refreshes it as well (a checkout usually changes files).
    git(ide, "checkout", "-q", "-b", "release")
    (ide.workspace / "CHANGELOG.md").write_text("# Changes\n")
    expect(branch).to_have_text("release", timeout=10_000)
