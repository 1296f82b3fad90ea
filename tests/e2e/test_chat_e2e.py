"""Chat in Chromium with the embedded model: ask about the open file, watch it stream, stop it,
apply a code block through the diff. Greedy sampling (temperature 0) keeps answers repeatable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import IDE
from tests.support.model import require_embedded_model
from tests.support.server import RunningServer, start_server

pytestmark = [pytest.mark.e2e, pytest.mark.model]

LONG_QUESTION = ("Explain in detail, step by step, how order_total computes the total, and give "
                 "three examples with numbers.")
CODE_QUESTION = "Rewrite order_total to round down. Answer with a Python code block."


@pytest.fixture
def server(e2e_workspace: Path, tmp_path: Path) -> Iterator[RunningServer]:
    require_embedded_model()
    running = start_server(e2e_workspace, tmp_path / "data",
                           env={"PAIRPAD_AI__CHAT_TEMPERATURE": "0"})
    yield running
    running.stop()


def open_chat(ide: IDE) -> None:
    ide.page.get_by_role("button", name="Chat (Ctrl+Alt+I)").click()
    expect(ide.page.get_by_role("region", name="Chat")).to_be_visible()


def ask(ide: IDE, question: str) -> None:
    box = ide.page.get_by_role("textbox", name="Ask about your code")
    box.fill(question)
    box.press("Enter")


def test_ask_stream_stop_and_apply_a_code_block(ide: IDE) -> None:
    page = ide.page
    ide.open_file("shop/orders.py")
    open_chat(ide)
    chat = page.get_by_role("region", name="Chat")
    # The inspector shows the open file as context, with its token cost, before sending.
    chip = chat.locator('.chat-chip[data-id="file:shop/orders.py"]')
    expect(chip).to_contain_text("shop/orders.py")
    expect(chip).to_contain_text("tok")

    ask(ide, LONG_QUESTION)
    answer = chat.locator('[data-role="assistant"]').last
    expect(answer).to_have_attribute("aria-busy", "true")  # streaming
    expect(answer.locator(".chat-answer")).not_to_have_text("", timeout=30_000)
    ide.screenshot("chat-streaming")
    chat.get_by_role("button", name="Stop").click()
    expect(answer).to_have_attribute("aria-busy", "false", timeout=10_000)
    expect(answer.locator(".chat-usage")).to_contain_text("cancelled")
    expect(answer.locator(".chat-usage")).to_contain_text("local:smollm2-135m-instruct")
    stopped = answer.locator(".chat-answer").inner_text()
    assert 0 < len(stopped) < 1200  # the full answer is ~300 tokens
    expect(chat.get_by_role("button", name="Send")).to_be_visible()

    ask(ide, CODE_QUESTION)
    expect(chat.locator('[data-role="assistant"]')).to_have_count(2)
    answer = chat.locator('[data-role="assistant"]').nth(1)
    expect(answer).to_have_attribute("aria-busy", "false", timeout=60_000)
    expect(answer.locator(".chat-usage")).to_contain_text("local:smollm2-135m-instruct")
    block = answer.locator(".chat-code").first
    expect(block).to_be_visible()
    # Colourised by Monaco: token spans, not plain text.
    expect(block.locator(".chat-code-body span[class^='mtk']").first).to_be_visible()
    code = block.locator(".chat-code-body").inner_text().replace("\u00a0", " ")
    ide.screenshot("chat-answer")

    block.get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id("diff-editor")).to_be_visible()
    ide.screenshot("chat-apply-diff")
    page.get_by_role("button", name="Accept").click()
    ide.wait_editor("shop/orders.py")
    first_line = code.strip().splitlines()[0].strip()
    expect(page.locator(".editor-group.focused .monaco-editor .view-lines")).to_contain_text(
        first_line.split("(")[0])
    # Accepted into the buffer, unsaved: the file on disk is unchanged until the user saves.
    assert "VAT_RATE = 0.2" in (ide.workspace / "shop/orders.py").read_text()


def test_model_settings_reachable_from_chat_and_palette(ide: IDE) -> None:
    page = ide.page
    ide.problems.allow(r"status of 422")  # the invalid base_url below, refused on purpose
    open_chat(ide)
    chat = page.get_by_role("region", name="Chat")
    chat.get_by_role("button", name="Models").click()
    settings = chat.get_by_label("Model settings")
    expect(settings.get_by_label("Model for chat")).to_have_value("local:smollm2-135m-instruct")
    settings.get_by_role("button", name="Add provider…").click()
    settings.get_by_label("Name").fill("lab")
    settings.get_by_label("Base URL").fill("ftp://nowhere")
    settings.get_by_role("button", name="Save provider").click()
    expect(settings.get_by_role("alert").first).to_contain_text("base_url must start with http")
    settings.get_by_label("Base URL").fill("http://127.0.0.1:9/v1")
    settings.get_by_label("API key").fill("sk-e2e-secret")
    settings.get_by_role("button", name="Save provider").click()
    lab = settings.locator("li", has_text="lab")
    expect(lab).to_contain_text("key: set (stored)")
    expect(lab).to_contain_text("Provider 'lab' unreachable")
    assert "sk-e2e-secret" not in page.content()
    ide.screenshot("chat-models")
    chat.get_by_role("button", name="Back to chat").click()
    page.keyboard.press("Control+Shift+P")
    page.keyboard.type("Chat: Model Settings")
    page.keyboard.press("Enter")
    expect(chat.get_by_label("Model settings")).to_be_visible()
