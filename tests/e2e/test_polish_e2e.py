"""Editor polish in Chromium: quick open ranks an exact name first, one command palette (F1 and
Ctrl+Shift+P) with Monaco's actions, the keyboard shortcuts list, the explorer following the
active tab and keeping its folders and each editor's position across a reload, search with an
exclude field and replace in files (preview, ticks, a file changed since the search reported),
and chat in a secondary side bar beside the explorer, movable."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, expect

from .conftest import IDE

pytestmark = pytest.mark.e2e

EDITOR = ".editor-group.focused .monaco-editor"


def quick_open(ide: IDE, query: str) -> Locator:
    page = ide.page
    page.keyboard.press("Control+P")
    box = page.get_by_role("combobox", name="File name")
    expect(box).to_be_focused()
    box.fill(query)
    return page.get_by_role("dialog", name="Quick Open").get_by_role("option")


def test_quick_open_puts_the_exact_name_first_and_marks_the_match(ide: IDE) -> None:
    for path in ("apps/x.py", "myapp.py", "src/apply.py", "app.py"):
        (ide.workspace / path).parent.mkdir(parents=True, exist_ok=True)
        (ide.workspace / path).write_text("# fixture\n")
    page = ide.page
    options = quick_open(ide, "app.py")
    # The finder's cache follows the watcher: the new files arrive within a moment.
    expect(options.filter(has_text="myapp.py")).to_have_count(1, timeout=10_000)
    expect(options.first.locator(".primary")).to_have_text("app.py")
    expect(options.first.locator(".primary mark")).to_have_text("app.py")
    names = [t.strip() for t in options.locator(".primary").all_inner_texts()]
    assert names.index("app.py") < names.index("myapp.py")
    # In myapp.py the contiguous "app.py" is marked, not scattered letters.
    expect(options.filter(has_text="myapp.py").locator(".primary mark")).to_have_text("app.py")
    ide.screenshot("polish-quick-open-exact-first")
    # "app" names app.py (its stem) before apply.py.
    page.get_by_role("combobox", name="File name").fill("app")
    expect(options.first.locator(".primary")).to_have_text("app.py")
    page.keyboard.press("Enter")
    ide.wait_editor("app.py")


def test_f1_and_ctrl_shift_p_open_one_palette_with_monaco_actions(ide: IDE) -> None:
    page = ide.page
    ide.open_file("shop/orders.py")
    page.locator(f"{EDITOR} .view-lines").click()
    page.keyboard.press("Control+Home")
    palette = page.get_by_role("dialog", name="Command Palette")
    for key in ("F1", "Control+Shift+P"):
        page.keyboard.press(key)
        expect(palette).to_be_visible()
        expect(page.get_by_role("combobox", name="Command")).to_have_value(">")
        # Monaco's own palette never opens.
        expect(page.locator(".quick-input-widget:visible")).to_have_count(0)
        page.keyboard.press("Escape")
        expect(palette).to_be_hidden()
    page.keyboard.press("F1")
    box = page.get_by_role("combobox", name="Command")
    box.fill(">format document")
    # Ours and Monaco's "Format Document" are one entry.
    expect(
        palette.get_by_role("option").filter(
            has_text=re.compile(r"^Format Document|: Format Document")
        )
    ).to_have_count(1)
    box.fill(">toggle line comment")
    comment = palette.get_by_role("option").filter(has_text="Toggle Line Comment")
    expect(comment).to_have_count(1)
    expect(comment.locator(".keys")).to_have_attribute("aria-label", "Ctrl+/")
    ide.screenshot("polish-palette-monaco-action")
    page.keyboard.press("Enter")
    expect(palette).to_be_hidden()
    # It ran on the editor the user was in: the first line is commented out.
    expect(page.locator(f"{EDITOR} .view-line").first).to_contain_text(
        "# from dataclasses import dataclass"
    )
    expect(ide.tab("shop/orders.py")).to_have_class(re.compile(r"\bdirty\b"))


def test_keyboard_shortcuts_list_ours_and_monacos(ide: IDE) -> None:
    page = ide.page
    ide.open_file("shop/orders.py")
    page.locator(f"{EDITOR} .view-lines").click()
    page.keyboard.press("F1")
    page.get_by_role("combobox", name="Command").fill(">keyboard shortcuts")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Keyboard Shortcuts")
    expect(dialog).to_be_visible()
    search = dialog.get_by_role("searchbox", name="Search keybindings")
    expect(search).to_be_focused()
    rows = dialog.locator("tbody tr")
    search.fill("comment")
    expect(rows.filter(has_text="Toggle Line Comment").first).to_contain_text("Editor")
    search.fill("f1")
    expect(rows.filter(has_text="Show All Commands")).to_have_count(1)
    search.fill("go to file")
    expect(rows.filter(has_text="Go to File").locator(".keys")).to_have_attribute(
        "aria-label", "Ctrl+P"
    )
    search.fill("")
    assert rows.count() > 100  # Monaco's whole keymap, cursor moves included
    ide.screenshot("polish-keyboard-shortcuts")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_explorer_follows_the_tab_and_a_reload_keeps_folders_and_positions(ide: IDE) -> None:
    page = ide.page
    (ide.workspace / "web" / "long.ts").write_text(
        "".join(f"export const v{i} = {i};\n" for i in range(1, 301))
    )
    expect(ide.tree_item("web")).to_have_attribute("aria-expanded", "false")
    options = quick_open(ide, "long.ts")
    expect(options.first.locator(".primary")).to_have_text("long.ts", timeout=10_000)
    page.keyboard.press("Enter")
    ide.wait_editor("web/long.ts")
    # The explorer opened web/ and selected the file.
    expect(ide.tree_item("web")).to_have_attribute("aria-expanded", "true")
    expect(ide.tree_item("long.ts")).to_have_attribute("aria-selected", "true")
    # Go to line 250, column 14 (the cursor and the scroll position both move).
    expect(quick_open(ide, ":250:14").first).to_have_text("Go to line 250, column 14")
    page.keyboard.press("Enter")
    position = page.get_by_test_id("status-position")
    expect(position).to_have_text("Ln 250, Col 14")
    expect(
        page.locator(f"{EDITOR} .view-line", has_text="export const v250 = 250;")
    ).to_be_visible()
    # Another tab: the explorer follows it.
    options = quick_open(ide, "cart.ts")
    expect(options.first.locator(".primary")).to_have_text("cart.ts")
    page.keyboard.press("Enter")
    ide.wait_editor("web/cart.ts")
    expect(ide.tree_item("cart.ts")).to_have_attribute("aria-selected", "true")
    expect(ide.tree_item("long.ts")).to_have_attribute("aria-selected", "false")
    ide.tree_item("shop").click()  # expanded by hand, remembered too
    expect(ide.tree_item("orders.py")).to_be_visible()
    ide.tab("web/long.ts").click()
    ide.wait_editor("web/long.ts")
    expect(position).to_have_text("Ln 250, Col 14")
    ide.reload()
    ide.wait_editor("web/long.ts")
    expect(ide.tree_item("shop")).to_have_attribute("aria-expanded", "true")
    expect(ide.tree_item("web")).to_have_attribute("aria-expanded", "true")
    expect(ide.tree_item("long.ts")).to_have_attribute("aria-selected", "true")
    expect(position).to_have_text("Ln 250, Col 14")
    expect(
        page.locator(f"{EDITOR} .view-line", has_text="export const v250 = 250;")
    ).to_be_visible()
    expect(page.locator(f"{EDITOR} .view-line", has_text="export const v1 = 1;")).to_have_count(0)
    ide.screenshot("polish-reload-restores-position")


def test_search_exclude_replace_preview_and_a_file_changed_since(ide: IDE) -> None:
    page = ide.page
    (ide.workspace / "shop" / "tax.py").write_text("from shop.orders import VAT_RATE\n")
    (ide.workspace / "shop" / "legacy.py").write_text("OLD_VAT_RATE = VAT_RATE\n")
    page.keyboard.press("Control+Shift+F")
    page.get_by_role("textbox", name="Search").fill("VAT_RATE")
    summary = page.locator(".search-summary")
    expect(summary).to_have_text("4 results in 3 files", timeout=10_000)
    # Exclude a file by glob.
    page.get_by_label("files to exclude").fill("shop/legacy.py")
    expect(summary).to_have_text("3 results in 2 files")
    # Opening a result selects the match.
    page.locator(".search-line", has_text="VAT_RATE = 0.2").click()
    ide.wait_editor("shop/orders.py")
    expect(page.get_by_test_id("status-position")).to_have_text("Ln 3, Col 9 (8 selected)")
    # Replace with a preview: each match struck through with its replacement.
    page.get_by_role("button", name="Toggle Replace").click()
    page.get_by_role("textbox", name="Replace").fill("TAX_RATE")
    preview = page.locator(".replace-line")
    expect(preview).to_have_count(3)
    expect(preview.first.locator("del")).to_have_text("VAT_RATE")
    expect(preview.first.locator("ins")).to_have_text("TAX_RATE")
    # Untick the use on orders.py's last line; keep the definition.
    page.get_by_role("checkbox", name="Replace match 1 on line 13 of shop/orders.py").uncheck()
    orders_box = page.get_by_role("checkbox", name="Replace in shop/orders.py")
    assert orders_box.evaluate("b => b.indeterminate")
    ide.screenshot("polish-replace-preview")
    # tax.py changes on disk after the search: it must be reported, not overwritten.
    (ide.workspace / "shop" / "tax.py").write_text("from shop.orders import VAT_RATE  # pinned\n")
    page.get_by_role("button", name="Replace All").click()
    outcome = page.locator(".replace-outcome")
    expect(outcome).to_contain_text("Replaced 1 occurrence in 1 file.")
    expect(outcome.locator('[data-path="shop/tax.py"]')).to_contain_text(
        "line 1 changed since the search"
    )
    ide.screenshot("polish-replace-outcome")
    orders = (ide.workspace / "shop" / "orders.py").read_text()
    assert "TAX_RATE = 0.2" in orders
    assert "(1 + VAT_RATE)" in orders
    assert (
        ide.workspace / "shop" / "tax.py"
    ).read_text() == "from shop.orders import VAT_RATE  # pinned\n"
    assert (ide.workspace / "shop" / "legacy.py").read_text() == "OLD_VAT_RATE = VAT_RATE\n"
    # The open (clean) editor follows the file on disk.
    expect(page.locator(f"{EDITOR} .view-line", has_text="TAX_RATE = 0.2")).to_be_visible()


def test_chat_shows_beside_the_explorer_and_moves_sides(ide: IDE) -> None:
    page = ide.page
    ide.open_file("shop/orders.py")
    page.get_by_role("button", name="Chat (Ctrl+Alt+I)").click()
    explorer = page.get_by_role("complementary", name="Side bar", exact=True)
    chat = page.get_by_role("complementary", name="Secondary bar")
    editor = page.locator(".editor-column")
    expect(chat).to_be_visible()
    expect(chat.locator(".view-header .title:visible")).to_have_text("Chat")
    expect(page.get_by_role("textbox", name="Ask about your code")).to_be_visible()
    expect(explorer).to_be_visible()
    expect(ide.tree_item("orders.py")).to_be_visible()

    def x(locator: Locator) -> float:
        box = locator.bounding_box()
        assert box
        return box["x"]

    assert x(explorer) < x(editor) < x(chat)
    ide.screenshot("polish-chat-right-of-editor")
    chat.get_by_role("button", name="Move Secondary Side Bar Left").click()
    expect(chat.get_by_role("button", name="Move Secondary Side Bar Right")).to_be_visible()
    assert x(explorer) < x(chat) < x(editor)
    ide.screenshot("polish-chat-left-of-editor")
    ide.reload()
    expect(chat).to_be_visible()
    assert x(explorer) < x(chat) < x(editor)
    # The palette moves it back; the toggle hides and shows it.
    page.keyboard.press("F1")
    page.get_by_role("combobox", name="Command").fill(">move secondary side bar right")
    page.keyboard.press("Enter")
    expect(chat.get_by_role("button", name="Move Secondary Side Bar Left")).to_be_visible()
    assert x(editor) < x(chat)
    page.keyboard.press("Control+Alt+B")
    expect(chat).to_be_hidden()
    expect(explorer).to_be_visible()
    page.keyboard.press("Control+Alt+I")
    expect(chat).to_be_visible()
