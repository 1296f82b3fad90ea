"""The embedded model's real state in the UI (issue 8.2): preloaded in the background and shown
ready on the status bar; when its process dies, the chat says how and every surface agrees."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import IDE
from tests.support.model import require_embedded_model
from tests.support.server import RunningServer, start_server

pytestmark = [pytest.mark.e2e, pytest.mark.model]


@pytest.fixture
def server(e2e_workspace: Path, tmp_path: Path) -> Iterator[RunningServer]:
    require_embedded_model()
    running = start_server(e2e_workspace, tmp_path / "data",
                           env={"PAIRPAD_AI__LOCAL__PRELOAD": "true"})
    yield running
    running.stop()


def llama_pid(server: RunningServer) -> int:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_text()
        except OSError:
            continue
        if int(stat[1]) == server.process.pid and "llama_cpp.server" in cmdline:
            found.append(int(entry.name))
    assert len(found) == 1, found
    return found[0]


def local_state(server: RunningServer) -> str:
    body = httpx.get(f"{server.base_url}/api/models", headers=server.auth_headers,
                     timeout=30).json()
    (local,) = [p for p in body["providers"] if p["name"] == "local"]
    return str(local["state"])


def test_preloaded_model_is_ready_then_a_crash_is_shown_everywhere(ide: IDE) -> None:
    page = ide.page
    status = page.get_by_test_id("status-model")
    # Preloaded in the background: the status bar follows it to ready without a chat.
    expect(status).to_have_attribute("data-state", "ok", timeout=60_000)
    assert local_state(ide.server) == "ready"

    os.kill(llama_pid(ide.server), signal.SIGILL)
    page.get_by_role("button", name="Chat (Ctrl+Alt+I)").click()
    chat = page.get_by_role("region", name="Chat")
    box = page.get_by_role("textbox", name="Ask about your code")
    box.fill("Say hello.")
    box.press("Enter")
    # The first request after a crash restarts it (the answer then comes); the second crash
    # in a row is reported, with the signal and what to do, and not restarted at once.
    answer = chat.locator('[data-role="assistant"]').last
    expect(answer).to_have_attribute("aria-busy", "false", timeout=60_000)
    os.kill(llama_pid(ide.server), signal.SIGILL)
    box.fill("Say hello again.")
    box.press("Enter")
    expect(chat).to_contain_text("SIGILL", timeout=30_000)
    expect(chat).to_contain_text("CPU instruction")
    expect(chat).not_to_contain_text("start it or set")
    # The status bar and the model settings agree with the API.
    expect(status).to_have_attribute("data-state", "down", timeout=10_000)
    assert local_state(ide.server) == "crashed"
    ide.screenshot("model-crashed-chat")
    status.click()
    local_card = page.locator('.models-provider[data-provider="local"]')
    expect(local_card).to_contain_text("SIGILL")
    expect(local_card.get_by_role("button", name="Restart the embedded model")).to_be_visible()
    # The role pickers still offer the crashed provider's model (not "Other").
    expect(page.get_by_label("Model for chat")).to_have_value("local:smollm2-135m-instruct")
    ide.screenshot("model-crashed-settings")
    local_card.get_by_role("button", name="Restart the embedded model").click()
    expect(status).to_have_attribute("data-state", "ok", timeout=60_000)
    assert local_state(ide.server) == "ready"
