"""Editor features in a real Chromium: go to line, find/replace, minimap and word wrap,
a refused save (409), Monaco's language workers under the CSP, encodings and line endings,
and deleting a file that has unsaved edits."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import IDE, ORDERS_PY

pytestmark = pytest.mark.e2e

EDITOR = ".editor-group.focused .monaco-editor"


def run_command(ide: IDE, title: str) -> None:
    page = ide.page
    page.keyboard.press("Control+Shift+P")
    box = page.get_by_role("combobox", name="Command")
    box.fill(f">{title}")
    expect(page.get_by_role("option").first).to_contain_text(title)
    page.keyboard.press("Enter")
    expect(box).to_have_count(0)


def test_go_to_line_moves_the_cursor(ide: IDE) -> None:
    page = ide.page
    ide.open_file("shop/orders.py")
    expect(page.get_by_test_id("status-position")).to_contain_text("Ln 1, Col 1")
    page.locator(f"{EDITOR} .view-lines").click()
    page.keyboard.press("Control+G")
    box = page.locator(".quick-input-widget input.input")
    expect(box).to_be_focused()
    box.fill(":11:4")
    ide.screenshot("go-to-line")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("status-position")).to_have_text("Ln 11, Col 4")
    # The cursor really is there: typing lands on line 11, after `def`.
    page.keyboard.type("X")
    expect(page.locator(f"{EDITOR} .view-lines")).to_contain_text("defX order_total")


def test_find_replace_rewrites_the_buffer(ide: IDE) -> None:
    page = ide.page
    ide.open_file("shop/orders.py")
    page.locator(f"{EDITOR} .view-lines").click()
    page.keyboard.press("Control+H")
    widget = page.locator(f"{EDITOR} .find-widget")
    find = widget.get_by_role("textbox", name="Find")
    expect(find).to_be_focused()
    find.fill("VAT_RATE")
    expect(widget.locator(".matchesCount")).to_have_text("1 of 2")
    replace = widget.get_by_role("textbox", name="Replace")
    expect(replace).to_be_visible()
    replace.fill("TAX_RATE")
    ide.screenshot("find-replace")
    widget.get_by_role("button", name=re.compile(r"^Replace All")).click()
    expect(ide.tab("shop/orders.py")).to_have_class("tab active dirty")
    text = ide.editor_text()
    assert "VAT_RATE" not in text
    assert text.count("TAX_RATE") == 2
    # Only the buffer changed; the disk keeps its text until the user saves.
    assert (ide.workspace / "shop/orders.py").read_text() == ORDERS_PY


def test_minimap_and_word_wrap_toggles(ide: IDE) -> None:
    page = ide.page
    words = " ".join(f"word{i}" for i in range(120))
    (ide.workspace / "long.txt").write_text(f"{words}\nshort line\n")
    expect(ide.tree_item("long.txt")).to_be_visible()
    ide.open_file("long.txt")
    minimap = page.locator(f"{EDITOR} .minimap")
    expect(minimap).to_be_visible()
    run_command(ide, "View: Toggle Minimap")
    expect(minimap).to_be_hidden()
    ide.screenshot("minimap-off")
    run_command(ide, "View: Toggle Minimap")
    expect(minimap).to_be_visible()

    lines = page.locator(f"{EDITOR} .view-lines .view-line")
    # Without wrapping, the long line is one view line (then "short line" and the empty last).
    expect(lines).to_have_count(3)
    page.locator(f"{EDITOR} .view-lines").click()
    page.keyboard.press("Alt+Z")
    # Wrapped, it takes several view lines; the text itself is unchanged.
    expect(lines).not_to_have_count(3)
    assert lines.count() > 3
    ide.screenshot("word-wrap-on")
    expect(ide.tab("long.txt")).not_to_have_class(re.compile(r"dirty"))
    page.keyboard.press("Alt+Z")
    expect(lines).to_have_count(3)


def test_save_refused_with_409_shows_the_conflict_bar_and_keeps_disk(ide: IDE) -> None:
    page = ide.page
    # The 409 response is logged by Chromium as a failed resource load: expected here.
    ide.problems.allow(r"status of 409")
    ide.open_file("notes.txt")
    ide.focus_editor_end()
    page.keyboard.type("my edit")
    expect(ide.tab("notes.txt")).to_have_class("tab active dirty")
    # Another program writes the file and the user saves at once, before (or while) the
    # watcher reports it: the save carries the old etag, so the server refuses it.
    (ide.workspace / "notes.txt").write_text("written by another program\n")
    page.keyboard.press("Control+S")
    bar = page.get_by_test_id("conflict-bar")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text(re.compile(r"changed on disk"))
    expect(ide.tab("notes.txt")).to_have_class("tab active dirty")
    assert "my edit" in ide.editor_text()
    assert (ide.workspace / "notes.txt").read_text() == "written by another program\n"
    ide.screenshot("save-409-conflict")
    # Compare shows exactly the disk version the bar is about.
    bar.get_by_role("button", name="Compare").click()
    diff = page.get_by_test_id("diff-editor")
    expect(diff.locator(".editor.original .view-lines")).to_contain_text(
        "written by another program"
    )


def test_language_workers_load_under_the_csp(ide: IDE) -> None:
    page = ide.page
    files = {
        "web/data.json": '{\n  "name": "shop",\n  "items": [1, 2,, 3]\n}\n',
        "web/style.css": "body {\n  colr: red;\n}\n",
        "web/index.html": "<!doctype html>\n<html>\n  <body><p>Shop</p></body>\n</html>\n",
    }
    for rel, text in files.items():
        (ide.workspace / rel).write_text(text)
    ide.tree_item("web").click()
    for rel in files:
        expect(ide.tree_item(rel.split("/")[-1])).to_be_visible()

    language = page.get_by_test_id("status-language")
    squiggles = page.locator(f"{EDITOR} .squiggly-error, {EDITOR} .squiggly-warning")

    ide.open_file("web/cart.ts")
    expect(language).to_have_text("TypeScript")
    ide.focus_editor_end()
    page.keyboard.type('const wrong: number = "not a number";\n')
    # The type error comes from typescript-language-server (while it runs, the TypeScript
    # worker keeps only completions; it takes the diagnostics back if the server fails), so
    # allow for the server's start.
    expect(squiggles.first).to_be_attached(timeout=30_000)
    ide.screenshot("typescript-worker")

    ide.open_file("web/data.json")
    expect(language).to_have_text("JSON")
    expect(squiggles.first).to_be_attached()  # the JSON worker flags the extra comma

    ide.open_file("web/style.css")
    expect(language).to_have_text("CSS")
    expect(squiggles.first).to_be_attached()  # the CSS worker flags the unknown property

    ide.open_file("web/index.html")
    expect(language).to_have_text("HTML")

    def worker_loaded(name: str) -> bool:
        return any(re.search(rf"/assets/{name}\.worker-[\w-]+\.js$", u) for u in ide.requests)

    for name in ("ts", "json", "css", "html"):
        ide.wait_until(lambda n=name: worker_loaded(n), f"the {name} worker to be requested")
    # The fixture then checks: no CSP violation, no failed request, nothing off the machine.


def test_status_bar_shows_encoding_and_line_endings(ide: IDE) -> None:
    page = ide.page
    (ide.workspace / "latin1.txt").write_bytes("café crème\n".encode("latin-1"))
    (ide.workspace / "bom.txt").write_bytes(b"\xef\xbb\xbfwith a byte order mark\n")
    (ide.workspace / "windows.txt").write_bytes(b"one\r\ntwo\r\n")
    (ide.workspace / "classic-mac.txt").write_bytes(b"one\rtwo\rthree\r")
    for name in ("latin1.txt", "bom.txt", "windows.txt", "classic-mac.txt"):
        expect(ide.tree_item(name)).to_be_visible()
    encoding = page.get_by_test_id("status-encoding")
    eol = page.get_by_test_id("status-eol")

    ide.open_file("latin1.txt")
    expect(encoding).to_have_text("ISO 8859-1")
    assert "café crème" in ide.editor_text()
    ide.screenshot("status-latin1")

    ide.open_file("bom.txt")
    expect(encoding).to_have_text("UTF-8 with BOM")
    expect(eol).to_have_text("LF")

    ide.open_file("windows.txt")
    expect(encoding).to_have_text("UTF-8")
    expect(eol).to_have_text("CRLF")

    ide.open_file("classic-mac.txt")
    expect(eol).to_have_text("CR")
    # Saving keeps the file's line endings and encoding.
    ide.focus_editor_end()
    page.keyboard.type("four")
    page.keyboard.press("Control+S")
    expect(ide.tab("classic-mac.txt")).not_to_have_class(re.compile(r"dirty"))
    assert (ide.workspace / "classic-mac.txt").read_bytes() == b"one\rtwo\rthree\rfour"


def test_delete_warns_about_unsaved_changes(ide: IDE) -> None:
    page = ide.page
    ide.open_file("shop/orders.py")
    ide.focus_editor_end()
    page.keyboard.type("# not saved")
    expect(ide.tab("shop/orders.py")).to_have_class("tab active dirty")
    ide.open_file("shop/inventory.py")  # clean: not listed

    # Cancelling keeps everything.
    ide.tree_item("shop").click(button="right")
    page.get_by_role("menuitem", name="Delete").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("delete the folder 'shop'")
    expect(dialog).to_contain_text("Unsaved changes in 1 open file will be lost: shop/orders.py.")
    ide.screenshot("delete-unsaved-warning")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    expect(ide.tab("shop/orders.py")).to_have_class(re.compile(r"dirty"))
    assert (ide.workspace / "shop/orders.py").exists()

    # A file without unsaved edits gets the plain confirmation.
    ide.tree_item("notes.txt").click(button="right")
    page.get_by_role("menuitem", name="Delete").click()
    expect(dialog).to_contain_text("Are you sure you want to delete 'notes.txt'?")
    expect(dialog).not_to_contain_text("Unsaved changes")
    dialog.get_by_role("button", name="Cancel").click()

    # Confirming discards the edits only then: the tabs close and nothing comes back on reload.
    ide.tree_item("orders.py").click(button="right")
    page.get_by_role("menuitem", name="Delete").click()
    expect(dialog).to_contain_text("Unsaved changes in 1 open file will be lost: shop/orders.py.")
    dialog.get_by_role("button", name="Delete").click()
    expect(ide.tab("shop/orders.py")).to_have_count(0)
    assert not (ide.workspace / "shop/orders.py").exists()
    ide.reload()
    expect(ide.tab("shop/inventory.py")).to_have_count(1)
    expect(ide.tab("shop/orders.py")).to_have_count(0)
