"""Inline edit (Ctrl/Cmd+K) in Chromium: select lines of a Python file, Ctrl+K, type an
instruction, Enter; the proposal streams in as an inline diff (checked while it streams);
Accept puts it in the buffer as one edit, and one Ctrl+Z restores the original exactly;
Reject leaves the text untouched; a follow-up instruction refines the proposal.

The `edit` role is a scripted OpenAI-compatible server on loopback that streams a fixed answer
(with prose and a Markdown fence the server strips) slowly enough to watch it stream.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.openai_server import ScriptedOpenAI, scripted_openai
from tests.support.server import RunningServer, start_server

from .conftest import IDE, ORDERS_PY

pytestmark = pytest.mark.e2e

EDITOR = ".editor-group.focused .monaco-editor"
REPLY = (
    "Here is the updated function body:\n"
    "```python\n"
    "    \"\"\"Total in cents, VAT included, rounded half up.\"\"\"\n"
    "    gross = order.total_cents * (1 + VAT_RATE)\n"
    "    return int(gross + 0.5)\n"
    "```\n"
)
NEW_BODY = (
    "    \"\"\"Total in cents, VAT included, rounded half up.\"\"\"\n"
    "    gross = order.total_cents * (1 + VAT_RATE)\n"
    "    return int(gross + 0.5)\n"
)
OLD_BODY = (
    "    \"\"\"Total in cents, VAT included.\"\"\"\n"
    "    return round(order.total_cents * (1 + VAT_RATE))\n"
)


@pytest.fixture
def model_server() -> Iterator[ScriptedOpenAI]:
    # 16 characters a chunk, 0.25 s apart: about 4 s of streaming.
    with scripted_openai(models=["edit-model"], reply=REPLY, chunk_delay=0.25) as server:
        yield server


@pytest.fixture
def server(e2e_workspace: Path, tmp_path: Path, model_server: ScriptedOpenAI
           ) -> Iterator[RunningServer]:
    (e2e_workspace / ".env").write_text("STRIPE_KEY=sk_live_e2e_secret\n")  # a secret file
    running = start_server(e2e_workspace, tmp_path / "data", env={
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__KIND": "openai_compat",
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__BASE_URL": model_server.base_url,
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__MODELS": '["edit-model"]',
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__CONTEXT_WINDOW": "8192",
        "PAIRPAD_AI__ROLES__EDIT": "scripted:edit-model",
    })
    yield running
    running.stop()


def code_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def shown_lines(ide: IDE) -> list[str]:
    """The editor's non-blank lines as displayed (the DOM drops blank lines' text)."""
    return code_lines(ide.editor_text())


def select_function_body(ide: IDE) -> None:
    """Lines 12-13 of orders.py (the docstring and the return), as whole lines."""
    page = ide.page
    ide.open_file("shop/orders.py")
    page.locator(f"{EDITOR} .view-lines").click()
    page.keyboard.press("Control+G")
    box = page.locator(".quick-input-widget input.input")
    expect(box).to_be_focused()
    box.fill(":12:1")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("status-position")).to_have_text("Ln 12, Col 1")
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Shift+ArrowDown")
    expect(page.get_by_test_id("status-position")).to_contain_text("selected")


def start_edit(ide: IDE, instruction: str) -> None:
    page = ide.page
    page.keyboard.press("Control+K")
    box = page.get_by_test_id("inline-edit-input")
    expect(box).to_be_focused()
    box.fill(instruction)
    page.keyboard.press("Enter")


def test_ctrl_k_streams_a_diff_accept_then_one_undo_restores(
    ide: IDE, model_server: ScriptedOpenAI
) -> None:
    page = ide.page
    select_function_body(ide)
    start_edit(ide, "round half up")
    widget = page.get_by_test_id("inline-edit")
    added = page.locator(f"{EDITOR} [data-testid=inline-edit-added]")
    # While it streams: the first proposed line is shown, the original lines are marked removed.
    expect(added.first).to_contain_text("rounded half up")
    expect(widget).to_have_attribute("data-state", "streaming")
    expect(page.locator(f"{EDITOR} .inline-edit-removed").first).to_be_visible()
    ide.screenshot("inline-edit-streaming")
    # Then the whole proposal, ready to accept; no fence or prose reached the editor.
    expect(widget).to_have_attribute("data-state", "review", timeout=20_000)
    expect(added.locator(".inline-edit-added-line")).to_have_text(NEW_BODY.splitlines())
    assert "```" not in page.locator(EDITOR).inner_text()
    assert "Here is" not in page.locator(EDITOR).inner_text()
    expect(page.locator(f"{EDITOR} .inline-edit-removed")).to_have_count(2)
    expect(widget.get_by_test_id("inline-edit-status")).to_contain_text("scripted:edit-model")
    ide.screenshot("inline-edit-review")
    # The model was asked about this file, with the selection, its language and context.
    prompt = model_server.bodies("/v1/chat/completions")[0]["messages"][1]["content"]
    assert "shop/orders.py" in prompt and "python" in prompt and "round half up" in prompt
    assert "class Order:" in prompt and "return round(order.total_cents" in prompt

    expect(widget.get_by_test_id("inline-edit-accept")).to_be_visible()
    # Enter on the empty instruction box accepts (as the Accept button and Ctrl+Enter do).
    expect(page.get_by_test_id("inline-edit-input")).to_be_focused()
    page.keyboard.press("Enter")
    expect(widget).to_have_count(0)
    expect(page.locator(f"{EDITOR} [data-testid=inline-edit-added]")).to_have_count(0)
    expect(page.locator(f"{EDITOR} .inline-edit-removed")).to_have_count(0)
    expected = ORDERS_PY.replace(OLD_BODY, NEW_BODY)
    assert expected != ORDERS_PY
    assert shown_lines(ide) == code_lines(expected)
    expect(ide.tab("shop/orders.py")).to_have_class("tab active dirty")
    ide.screenshot("inline-edit-accepted")

    # One undo: exactly the original. The buffer is clean again, which the editor decides by
    # the model's version: back to the one that matches the disk, i.e. the very same text.
    page.keyboard.press("Control+Z")
    expect(ide.tab("shop/orders.py")).to_have_class("tab active")
    assert shown_lines(ide) == code_lines(ORDERS_PY)
    # Redo brings the edit back in one step too; saved, the file is exactly the proposal.
    page.keyboard.press("Control+Shift+Z")
    expect(ide.tab("shop/orders.py")).to_have_class("tab active dirty")
    page.keyboard.press("Control+S")
    expect(ide.tab("shop/orders.py")).to_have_class("tab active")
    assert (ide.workspace / "shop/orders.py").read_text() == expected


def test_reject_leaves_the_text_untouched(ide: IDE) -> None:
    page = ide.page
    select_function_body(ide)
    start_edit(ide, "round half up")
    widget = page.get_by_test_id("inline-edit")
    expect(widget).to_have_attribute("data-state", "review", timeout=20_000)
    page.keyboard.press("Escape")
    expect(widget).to_have_count(0)
    expect(page.locator(f"{EDITOR} [data-testid=inline-edit-added]")).to_have_count(0)
    expect(page.locator(f"{EDITOR} .inline-edit-removed")).to_have_count(0)
    expect(ide.tab("shop/orders.py")).to_have_class("tab active")
    assert shown_lines(ide) == code_lines(ORDERS_PY)


def test_refine_sends_the_previous_round_and_esc_while_streaming_cancels(
    ide: IDE, model_server: ScriptedOpenAI
) -> None:
    page = ide.page
    select_function_body(ide)
    start_edit(ide, "round half up")
    widget = page.get_by_test_id("inline-edit")
    expect(widget).to_have_attribute("data-state", "review", timeout=20_000)
    box = page.get_by_test_id("inline-edit-input")
    box.fill("name the variable total")
    page.keyboard.press("Enter")
    expect(widget).to_have_attribute("data-state", "streaming")
    ide.wait_until(lambda: len(model_server.bodies("/v1/chat/completions")) == 2,
                   "the refining request")
    body = model_server.bodies("/v1/chat/completions")[-1]
    assert [m["role"] for m in body["messages"]] == ["system", "user", "assistant", "user"]
    assert body["messages"][2]["content"] == NEW_BODY
    assert "name the variable total" in body["messages"][3]["content"]
    # Esc while it streams: the run stops and nothing changes.
    page.keyboard.press("Escape")
    expect(widget).to_have_count(0)
    expect(ide.tab("shop/orders.py")).to_have_class("tab active")
    assert shown_lines(ide) == code_lines(ORDERS_PY)


def test_a_refusal_shows_the_servers_reason_in_the_widget(
    ide: IDE, model_server: ScriptedOpenAI
) -> None:
    page = ide.page
    ide.open_file(".env")
    page.locator(f"{EDITOR} .view-lines").click()
    page.keyboard.press("Control+A")
    start_edit(ide, "rename the key")
    error = page.get_by_test_id("inline-edit-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("secret file")
    ide.screenshot("inline-edit-refused")
    # Nothing reached the model; the box stays open with the instruction to change or cancel.
    assert model_server.bodies("/v1/chat/completions") == []
    expect(page.get_by_test_id("inline-edit-input")).to_have_value("rename the key")
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("inline-edit")).to_have_count(0)
