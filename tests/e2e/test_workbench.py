"""The IDE in a real Chromium against the real server: explorer, editing, conflicts, hot exit."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from .conftest import IDE, ORDERS_PY

pytestmark = pytest.mark.e2e


def wait_for(predicate, timeout: float = 10.0, message: str = "condition") -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {message}")


def test_tree_loads_with_ignored_entries_dimmed(ide: IDE) -> None:
    page = ide.page
    for name in ("shop", "web", "README.md", ".gitignore", "notes.txt"):
        expect(ide.tree_item(name)).to_be_visible()
    expect(ide.tree_item("debug.log")).to_have_class("tree-row ignored")
    # Folders come before files, and folders load lazily when expanded.
    rows = page.get_by_role("tree", name="Files").get_by_role("treeitem").all()
    names = [row.get_attribute("aria-label") for row in rows]
    assert names.index("web") < names.index("README.md")
    expect(ide.tree_item("orders.py")).to_have_count(0)
    ide.tree_item("shop").click()
    expect(ide.tree_item("orders.py")).to_be_visible()
    expect(page.get_by_test_id("status-branch")).to_have_text("main")
    expect(page.get_by_test_id("status-connection")).to_have_text("Connected")
    ide.open_file("shop/orders.py")
    expect(page.get_by_test_id("status-language")).to_have_text("Python")
    ide.screenshot("workbench-dark")


def test_open_type_save_writes_disk(ide: IDE) -> None:
    page = ide.page
    ide.open_file("shop/orders.py")
    expect(page.get_by_test_id("status-eol")).to_have_text("LF")
    ide.focus_editor_end()
    page.keyboard.type("# edited in the browser\n")
    expect(ide.tab("shop/orders.py")).to_have_class("tab active dirty")
    page.keyboard.press("Control+S")
    expect(ide.tab("shop/orders.py")).to_have_class("tab active")
    disk = (ide.workspace / "shop/orders.py").read_text()
    assert disk == ORDERS_PY + "# edited in the browser\n"


def test_preview_tab_is_replaced_then_pinned_by_editing(ide: IDE) -> None:
    page = ide.page
    ide.tree_item("README.md").click()
    expect(ide.tab("README.md")).to_have_class("tab active preview")
    ide.tree_item("notes.txt").click()
    # The single-click preview replaced README.md's preview tab.
    expect(ide.tab("README.md")).to_have_count(0)
    expect(ide.tab("notes.txt")).to_have_class("tab active preview")
    ide.wait_editor("notes.txt")
    ide.focus_editor_end()
    page.keyboard.type("x")
    expect(ide.tab("notes.txt")).to_have_class("tab active dirty")


def test_external_change_reloads_clean_tab(ide: IDE) -> None:
    ide.open_file("notes.txt")
    assert "plain text notes" in ide.editor_text()
    (ide.workspace / "notes.txt").write_text("rewritten by another program\n")
    wait_for(
        lambda: "rewritten by another program" in ide.editor_text(),
        message="the clean tab to reload",
    )
    expect(ide.tab("notes.txt")).not_to_have_class("tab active dirty")
    expect(ide.page.get_by_test_id("conflict-bar")).to_have_count(0)


def test_external_change_on_dirty_tab_shows_conflict_and_compare(ide: IDE) -> None:
    page = ide.page
    ide.open_file("notes.txt")
    ide.focus_editor_end()
    page.keyboard.type("my unsaved line")
    expect(ide.tab("notes.txt")).to_have_class("tab active dirty")
    (ide.workspace / "notes.txt").write_text("changed on disk meanwhile\n")
    bar = page.get_by_test_id("conflict-bar")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("changed on disk")
    # The user's text is still in the editor: nothing was reloaded over it.
    assert "my unsaved line" in ide.editor_text()
    ide.screenshot("conflict-bar")
    bar.get_by_role("button", name="Compare").click()
    diff = page.get_by_test_id("diff-editor")
    expect(diff).to_be_visible()
    expect(diff.locator(".editor.original .view-lines")).to_contain_text(
        "changed on disk meanwhile"
    )
    expect(diff.locator(".editor.modified .view-lines")).to_contain_text("my unsaved line")
    ide.screenshot("compare-diff")
    page.get_by_role("button", name="Keep Mine (Overwrite)").click()
    wait_for(
        lambda: "my unsaved line" in (ide.workspace / "notes.txt").read_text(), message="overwrite"
    )
    expect(page.get_by_test_id("conflict-bar")).to_have_count(0)


def test_conflict_revert_takes_the_disk_version(ide: IDE) -> None:
    page = ide.page
    ide.open_file("notes.txt")
    ide.focus_editor_end()
    page.keyboard.type("doomed edit")
    (ide.workspace / "notes.txt").write_text("the disk wins\n")
    page.get_by_test_id("conflict-bar").get_by_role("button", name="Revert").click()
    wait_for(lambda: "the disk wins" in ide.editor_text(), message="revert")
    expect(ide.tab("notes.txt")).not_to_have_class("tab active dirty")
    assert (ide.workspace / "notes.txt").read_text() == "the disk wins\n"


def test_quick_open_opens_a_file(ide: IDE) -> None:
    page = ide.page
    page.keyboard.press("Control+P")
    box = page.get_by_role("combobox", name="File name")
    expect(box).to_be_focused()
    box.fill("invent")
    option = page.get_by_role("option").first
    expect(option).to_contain_text("inventory.py")
    ide.screenshot("quick-open")
    page.keyboard.press("Enter")
    ide.wait_editor("shop/inventory.py")
    assert "class Inventory" in ide.editor_text()


def test_command_palette_lists_shortcuts_and_runs_a_command(ide: IDE) -> None:
    page = ide.page
    page.keyboard.press("Control+Shift+P")
    box = page.get_by_role("combobox", name="Command")
    expect(box).to_have_value(">")
    save = page.get_by_role("option").filter(has_text="File: Save")
    expect(save.first).to_contain_text("Ctrl")
    box.fill(">toggle panel")
    expect(page.get_by_role("option").first).to_contain_text("View: Toggle Panel")
    ide.screenshot("command-palette")
    page.keyboard.press("Enter")
    expect(page.get_by_role("region", name="Panel")).to_be_visible()
    expect(box).to_have_count(0)
    # A click on an entry runs it too (the picker's backdrop lies below the list).
    page.keyboard.press("Control+Shift+P")
    box.fill(">toggle panel")
    page.get_by_role("option").filter(has_text="View: Toggle Panel").first.click()
    expect(page.get_by_role("region", name="Panel")).to_have_count(0)
    expect(box).to_have_count(0)


def test_search_finds_text_and_opens_at_line(ide: IDE) -> None:
    page = ide.page
    page.keyboard.press("Control+Shift+F")
    search = page.get_by_role("textbox", name="Search")
    expect(search).to_be_focused()
    search.fill("VAT_RATE")
    results = page.get_by_role("tree", name="Search results")
    expect(results.locator(".search-file")).to_contain_text("orders.py")
    expect(page.locator(".search-summary")).to_contain_text("2 results in 1 file")
    ide.screenshot("search")
    results.locator('.search-line[data-line="13"]').click()
    ide.wait_editor("shop/orders.py")
    expect(page.get_by_test_id("status-position")).to_contain_text("Ln 13")
    # An invalid regex shows the server's message instead of failing silently.
    page.get_by_role("button", name="Use Regular Expression").click()
    search.fill("(unclosed")
    expect(page.locator(".search-error")).to_be_visible()
    ide.problems.allow(r"status of 400")


def test_unsaved_text_survives_a_reload(ide: IDE) -> None:
    page = ide.page
    ide.open_file("README.md")
    ide.focus_editor_end()
    page.keyboard.type("text that is not saved yet")
    expect(ide.tab("README.md")).to_have_class("tab active dirty")
    page.wait_for_timeout(600)  # the backup is debounced
    ide.reload()
    ide.wait_editor("README.md")
    expect(ide.tab("README.md")).to_have_class("tab active dirty")
    wait_for(lambda: "text that is not saved yet" in ide.editor_text(), message="restored text")
    assert "not saved" not in (ide.workspace / "README.md").read_text()


def test_settings_apply_live_and_persist(ide: IDE) -> None:
    page = ide.page
    ide.open_file("notes.txt")
    page.keyboard.press("Control+,")
    font = page.get_by_label("Font Size")
    expect(font).to_have_value("14")
    ide.screenshot("settings")
    font.fill("22")
    font.press("Enter")
    wait_for(lambda: ide.page.locator(".settings-page").count() == 1)
    ide.tab("notes.txt").click()
    line = page.locator(".editor-group.focused .monaco-editor .view-line").first
    expect(line).to_have_css("font-size", "22px")
    request = urllib.request.Request(
        f"{ide.server.base_url}/api/settings", headers=ide.server.auth_headers
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response)["values"]["editor.fontSize"] == 22
    ide.reload()
    ide.wait_editor("notes.txt")
    expect(page.locator(".editor-group.focused .monaco-editor .view-line").first).to_have_css(
        "font-size", "22px"
    )


def test_theme_setting_switches_to_light(ide: IDE) -> None:
    page = ide.page
    page.keyboard.press("Control+,")
    page.get_by_label("Color Theme").select_option("light")
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    ide.open_file("shop/orders.py")
    ide.screenshot("workbench-light")


def test_explorer_create_rename_delete(ide: IDE) -> None:
    page = ide.page
    page.get_by_role("button", name="New File…").click()
    name = page.get_by_role("textbox", name="New file name")
    name.fill("hello.py")
    name.press("Enter")
    ide.wait_editor("hello.py")
    assert (ide.workspace / "hello.py").read_text() == ""
    ide.tree_item("hello.py").click(button="right")
    page.get_by_role("menuitem", name="Rename…").click()
    rename = page.get_by_role("textbox", name="New name")
    rename.fill("greeting.py")
    rename.press("Enter")
    expect(ide.tree_item("greeting.py")).to_be_visible()
    assert (ide.workspace / "greeting.py").exists() and not (ide.workspace / "hello.py").exists()
    expect(ide.tab("greeting.py")).to_have_count(1)
    ide.tree_item("greeting.py").click(button="right")
    page.get_by_role("menuitem", name="Delete").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Are you sure you want to delete 'greeting.py'?")
    ide.screenshot("delete-confirmation")
    dialog.get_by_role("button", name="Delete").click()
    expect(ide.tree_item("greeting.py")).to_have_count(0)
    assert not (ide.workspace / "greeting.py").exists()
    expect(ide.tab("greeting.py")).to_have_count(0)


def test_external_file_appears_in_tree(ide: IDE) -> None:
    (ide.workspace / "added-outside.md").write_text("# hi\n")
    expect(ide.tree_item("added-outside.md")).to_be_visible(timeout=10_000)
    (ide.workspace / "added-outside.md").unlink()
    expect(ide.tree_item("added-outside.md")).to_have_count(0, timeout=10_000)


def test_split_editor_and_close_with_unsaved_prompt(ide: IDE) -> None:
    page = ide.page
    ide.open_file("notes.txt")
    page.keyboard.press("Control+\\")
    expect(page.locator(".editor-group")).to_have_count(2)
    ide.focus_editor_end()
    page.keyboard.type("typed in the right group")
    # Both groups show the same buffer.
    left = page.locator(".editor-group").first.locator(".view-lines")
    expect(left).to_contain_text("typed in the right group")
    ide.screenshot("split-editor")
    # Closing one of two views of a dirty file does not ask; closing the last one does.
    page.locator(".editor-group.focused").get_by_role("button", name="Close notes.txt").click()
    expect(page.locator(".editor-group")).to_have_count(1)
    page.get_by_role("button", name="Close notes.txt").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Do you want to save the changes you made to notes.txt?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(ide.tab("notes.txt")).to_have_count(1)
    page.get_by_role("button", name="Close notes.txt").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Save", exact=True).click()
    expect(ide.tab("notes.txt")).to_have_count(0)
    assert "typed in the right group" in (ide.workspace / "notes.txt").read_text()


def test_drag_and_drop_moves_a_file_into_a_folder(ide: IDE) -> None:
    page = ide.page
    ide.open_file("notes.txt")
    ide.tree_item("notes.txt").drag_to(ide.tree_item("web"))
    moved = ide.workspace / "web/notes.txt"
    wait_for(moved.exists, message="the move on disk")
    assert moved.read_text() == "plain text notes\n"
    assert not (ide.workspace / "notes.txt").exists()
    tree = page.get_by_role("tree", name="Files")
    expect(tree.locator('[data-path="notes.txt"]')).to_have_count(0)
    # The explorer follows the open tab to the file's new folder.
    expect(ide.tree_item("web")).to_have_attribute("aria-expanded", "true")
    expect(tree.locator('[data-path="web/notes.txt"]')).to_be_visible()
    # The open tab follows the file.
    expect(ide.tab("web/notes.txt")).to_have_count(1)
    expect(ide.tab("notes.txt")).to_have_count(0)
