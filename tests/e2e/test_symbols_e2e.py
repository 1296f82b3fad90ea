"""Symbols in the real UI: F12 across files, Ctrl+T workspace symbols, outline, index status."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import IDE, make_workspace

pytestmark = pytest.mark.e2e

CHECKOUT_PY = '''from shop.orders import Order, order_total


def checkout(order: Order) -> str:
    return f"Total: {order_total(order)}"
'''


@pytest.fixture
def e2e_workspace(tmp_path: Path) -> Path:
    root = tmp_path / "workspace"
    root.mkdir()
    make_workspace(root)
    (root / "shop" / "checkout.py").write_text(CHECKOUT_PY)
    return root


def wait_index_ready(ide: IDE, timeout: float = 20) -> None:
    request = urllib.request.Request(f"{ide.server.base_url}/api/index/status",
                                     headers=ide.server.auth_headers)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(request, timeout=5) as response:
            if json.load(response)["state"] == "ready":
                return
        time.sleep(0.1)
    raise AssertionError("the index never became ready")


def goto(ide: IDE, line: int, column: int) -> None:
    ide.page.keyboard.press("Control+P")
    ide.page.get_by_role("combobox", name="File name").fill(f":{line}:{column}")
    ide.page.keyboard.press("Enter")
    expect(ide.page.get_by_test_id("status-position")).to_contain_text(f"Ln {line}, Col {column}")


def test_f12_jumps_to_a_definition_in_another_file(ide: IDE) -> None:
    wait_index_ready(ide)
    ide.open_file("shop/checkout.py")
    goto(ide, 5, 25)  # inside `order_total(order)`
    ide.page.keyboard.press("F12")
    ide.wait_editor("shop/orders.py")
    expect(ide.page.get_by_test_id("status-position")).to_contain_text("Ln 11, Col 5")
    expect(ide.page.get_by_test_id("breadcrumbs")).to_contain_text("order_total")
    ide.screenshot("symbols-f12")


def test_ctrl_t_finds_a_symbol_and_opens_it(ide: IDE) -> None:
    wait_index_ready(ide)
    page = ide.page
    page.keyboard.press("Control+T")
    box = page.get_by_role("combobox", name="Symbol name")
    expect(box).to_be_focused()
    box.fill("Invent")
    option = page.get_by_test_id("symbol-picker").get_by_role("option").first
    expect(option).to_contain_text("Inventory")
    expect(option).to_contain_text("shop/inventory.py:1")
    ide.screenshot("symbols-ctrl-t")
    page.keyboard.press("Enter")
    ide.wait_editor("shop/inventory.py")
    expect(page.get_by_test_id("status-position")).to_contain_text("Ln 1, Col 7")


def test_references_peek_lists_uses_across_files(ide: IDE) -> None:
    wait_index_ready(ide)
    ide.open_file("shop/orders.py")
    goto(ide, 11, 6)  # the definition of order_total
    ide.page.keyboard.press("Shift+F12")
    peek = ide.page.locator(".reference-zone-widget")
    expect(peek).to_be_visible()
    expect(peek.locator(".reference-file").first).to_contain_text("checkout.py")
    ide.screenshot("symbols-references")


def test_outline_and_index_status(ide: IDE) -> None:
    wait_index_ready(ide)
    expect(ide.page.get_by_test_id("status-index")).to_have_text("Indexed")
    ide.open_file("shop/orders.py")
    ide.page.locator(".editor-group.focused .monaco-editor .view-lines").click()
    ide.page.keyboard.press("Control+Shift+O")
    quick = ide.page.locator(".quick-input-widget")
    expect(quick).to_contain_text("order_total")
    expect(quick).to_contain_text("Order")
    ide.page.keyboard.press("Escape")


def test_breadcrumbs_follow_unsaved_edits(ide: IDE) -> None:
    """The outline comes from the buffer, not the disk: a function typed but not saved shows
    in the breadcrumbs."""
    ide.open_file("shop/checkout.py")
    ide.focus_editor_end()
    ide.page.keyboard.type("\n\ndef draft_refund(order):\n    return 0")
    expect(ide.page.get_by_test_id("breadcrumbs")).to_contain_text("draft_refund")
    assert "draft_refund" not in (ide.workspace / "shop" / "checkout.py").read_text()
    ide.screenshot("symbols-breadcrumbs-unsaved")
