"""Chat in Chromium with the embedded model: ask about the open file, watch it stream, stop it,
apply a code block through the diff. Greedy sampling (temperature 0) keeps answers repeatable."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import IDE, ORDERS_PY
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


def api(ide: IDE, path: str) -> Any:
    response = httpx.get(f"{ide.server.base_url}{path}", headers=ide.server.auth_headers)
    assert response.status_code == 200, response.text
    return response.json()


def last_conversation(ide: IDE) -> dict[str, Any]:
    conversations = api(ide, "/api/conversations")["conversations"]
    result: dict[str, Any] = api(ide, f"/api/conversations/{conversations[0]['id']}")
    return result


def wait_index_ready(ide: IDE) -> None:
    deadline = time.monotonic() + 60  # a hang guard
    while api(ide, "/api/index/status")["state"] != "ready":
        assert time.monotonic() < deadline, "the index never became ready"
        time.sleep(0.2)


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
    # Stop first (a screenshot takes long enough for a short answer to finish on its own).
    chat.get_by_role("button", name="Stop").click()
    expect(answer).to_have_attribute("aria-busy", "false", timeout=10_000)
    ide.screenshot("chat-stopped")
    expect(answer.locator(".chat-usage")).to_contain_text("cancelled")
    expect(answer.locator(".chat-usage")).to_contain_text("local:smollm2-135m-instruct")
    expect(chat.get_by_role("button", name="Send")).to_be_visible()
    stopped = answer.locator(".chat-answer").inner_text()
    assert stopped.strip()
    (stored,) = [m for m in last_conversation(ide)["messages"] if m["role"] == "assistant"]
    assert stored["finish_reason"] == "cancelled" and stored["content"].strip()

    ask(ide, CODE_QUESTION)
    expect(chat.locator('[data-role="assistant"]')).to_have_count(2)
    first = chat.locator('[data-role="assistant"]').first
    answer = chat.locator('[data-role="assistant"]').nth(1)
    expect(answer).to_have_attribute("aria-busy", "false", timeout=60_000)
    # Nothing of the stopped answer arrived after it was stopped.
    assert first.locator(".chat-answer").inner_text() == stopped
    expect(answer.locator(".chat-usage")).to_contain_text("local:smollm2-135m-instruct")
    block = answer.locator(".chat-code").first
    expect(block).to_be_visible()
    # Colourised by Monaco: token spans, not plain text.
    expect(block.locator(".chat-code-body span[class^='mtk']").first).to_be_visible()
    code = block.locator(".chat-code-body").inner_text().replace("\u00a0", " ")
    ide.screenshot("chat-answer")

    # Apply goes through the edit engine (a block without SEARCH/REPLACE is the file's whole
    # new content): written, then shown in the review; Reject All puts the file back.
    block.get_by_role("button", name="Apply").click()
    # The block is one function, not the file: Apply asks before replacing the whole file.
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Replace the whole file?")
    dialog.get_by_role("button", name="Replace for Review").click()
    expect(page.get_by_test_id("review-diff")).to_be_visible()
    ide.screenshot("chat-apply-review")
    first_line = code.strip().splitlines()[0].strip()
    assert first_line.split("(")[0] in (ide.workspace / "shop/orders.py").read_text()
    page.get_by_role("button", name="Reject All").click()
    expect(page.get_by_test_id("status-review")).to_have_count(0)
    ide.wait_until(lambda: (ide.workspace / "shop/orders.py").read_text() == ORDERS_PY,
                   "the rejected change undone on disk")


def test_codebase_snippets_in_the_inspector_say_why(ide: IDE) -> None:
    page = ide.page
    wait_index_ready(ide)
    open_chat(ide)
    chat = page.get_by_role("region", name="Chat")
    box = page.get_by_role("textbox", name="Ask about your code")
    box.fill("@codebase how does order_total apply VAT_RATE?")
    snippets = chat.locator('.chat-chip[data-kind="codebase"]')
    expect(snippets.first).to_be_visible(timeout=30_000)
    orders = chat.locator('.chat-chip[data-id^="codebase:shop/orders.py:"]').first
    # Where (path:start-end), why (the retrieval signals) and what it costs, on the chip.
    expect(orders.locator(".chat-chip-path")).to_have_text(re.compile(r"^shop/orders\.py:\d+-\d+$"))
    expect(orders.locator(".chat-chip-why")).to_contain_text(
        re.compile(r"defines function order_total|text match #\d"))
    expect(orders.locator(".chat-chip-why")).to_contain_text(re.compile(r"score \d"))
    expect(orders.locator(".chat-chip-tokens")).to_contain_text(re.compile(r"\d+ tok"))
    assert "Why:" in (orders.get_attribute("title") or "")
    # Two snippets never look the same: every chip label is distinct.
    labels = snippets.locator(".chat-chip-path").all_inner_texts()
    assert len(labels) == len(set(labels)) >= 1
    ide.screenshot("chat-codebase-inspector")
    # Still removable before sending.
    chip_id = orders.get_attribute("data-id")
    orders.get_by_role("button", name="Leave out shop/orders.py:").click()
    expect(chat.locator(f'.chat-chip[data-id="{chip_id}"]')).to_have_class(re.compile("removed"))
