"""Connection loss: the banner shows, typing goes on, and the socket reconnects on its own;
after a restart with a different token the app says so instead of retrying forever."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.server import RunningServer, start_server

from .conftest import IDE

pytestmark = pytest.mark.e2e

TOKEN = "e2e-reconnect-token-0123456789abcdef"
NEW_TOKEN = "e2e-new-token-after-restart-fedcba9876543210"
NEW_TOKEN_MESSAGE = (
    "Pairpad restarted with a new access token — open the URL printed by `pairpad open` "
    "(your unsaved changes are kept)"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Restartable:
    """The real server on a fixed port and token, so the browser can find it again."""

    def __init__(self, workspace: Path, data_dir: Path) -> None:
        self.workspace = workspace
        self.data_dir = data_dir
        self.port = free_port()
        self.current: RunningServer | None = None

    def start(self, token: str = TOKEN) -> RunningServer:
        self.current = start_server(
            self.workspace, self.data_dir, "--port", str(self.port), "--token", token
        )
        assert self.current.base_url.endswith(f":{self.port}"), "the port was taken meanwhile"
        return self.current

    def stop(self) -> None:
        if self.current is not None:
            self.current.stop()
            self.current = None


@pytest.fixture
def restartable(e2e_workspace: Path, tmp_path: Path) -> Iterator[Restartable]:
    holder = Restartable(e2e_workspace, tmp_path / "data")
    yield holder
    holder.stop()


@pytest.fixture
def server(restartable: Restartable) -> RunningServer:
    return restartable.start()


def test_connection_loss_shows_banner_and_keeps_typing(ide: IDE, restartable: Restartable) -> None:
    page = ide.page
    # While the server is down the browser logs its refused connections, and a request the
    # stopping server cut off is its 503 (the model may still be loading): expected here.
    ide.problems.allow(r"ERR_CONNECTION_REFUSED|WebSocket connection to .* failed|status of 503")
    ide.open_file("notes.txt")
    restartable.stop()
    banner = page.get_by_test_id("connection-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Your unsaved changes are kept")
    expect(page.get_by_test_id("status-connection")).to_contain_text("Offline")
    ide.focus_editor_end()
    page.keyboard.type("typed while offline")
    expect(ide.tab("notes.txt")).to_have_class("tab active dirty")
    ide.screenshot("connection-lost")
    restartable.start()
    expect(banner).to_have_count(0, timeout=20_000)
    expect(page.get_by_test_id("status-connection")).to_have_text("Connected")
    assert "typed while offline" in ide.editor_text()
    page.keyboard.press("Control+S")
    expect(ide.tab("notes.txt")).to_have_class("tab active")
    assert "typed while offline" in (ide.workspace / "notes.txt").read_text()


def test_restart_with_a_new_token_asks_for_the_new_url_and_keeps_unsaved_text(
    ide: IDE, restartable: Restartable
) -> None:
    page = ide.page
    # Refused connections while the server is down (503 for a request it cut off when it
    # stopped), then 401s for the stale cookie: expected.
    ide.problems.allow(
        r"ERR_CONNECTION_REFUSED|WebSocket connection to .* failed|status of 401|status of 503")
    ide.open_file("notes.txt")
    ide.focus_editor_end()
    page.keyboard.type("typed before the restart")
    expect(ide.tab("notes.txt")).to_have_class("tab active dirty")
    restartable.stop()
    banner = page.get_by_test_id("connection-banner")
    expect(banner).to_contain_text("Reconnecting")
    restarted = restartable.start(token=NEW_TOKEN)
    # The socket reaches the new server, which refuses the old cookie: a clear, persistent
    # message instead of "reconnecting" forever.
    expect(banner).to_have_text(re.compile(re.escape(NEW_TOKEN_MESSAGE)), timeout=30_000)
    status = page.get_by_test_id("status-connection")
    expect(status).to_have_text("Signed out — new token")
    ide.screenshot("new-token-banner")

    # It stops retrying: no new WebSocket attempt within the reconnection back-off window.
    attempts = len([u for u in ide.requests if u.startswith("ws://")])
    page.wait_for_timeout(5_000)  # an observation window, not a synchronisation
    assert len([u for u in ide.requests if u.startswith("ws://")]) == attempts
    expect(banner).to_contain_text(NEW_TOKEN_MESSAGE)

    # Saving is refused (401) without losing anything.
    ide.focus_editor_end()
    page.keyboard.press("Control+S")
    expect(page.get_by_text("Could not save notes.txt", exact=False).first).to_be_visible()
    expect(ide.tab("notes.txt")).to_have_class("tab active dirty")
    assert "typed before the restart" not in (ide.workspace / "notes.txt").read_text()
    assert "typed before the restart" in ide.editor_text()

    # Opening the new URL restores the unsaved text, which then saves.
    ide.problems.navigating = True
    try:
        page.goto(restarted.login_url)
    finally:
        ide.problems.navigating = False
    ide.wait_editor("notes.txt")
    expect(status).to_have_text("Connected")
    expect(banner).to_have_count(0)
    expect(ide.tab("notes.txt")).to_have_class("tab active dirty")
    assert "typed before the restart" in ide.editor_text()
    page.keyboard.press("Control+S")
    expect(ide.tab("notes.txt")).to_have_class("tab active")
    assert "typed before the restart" in (ide.workspace / "notes.txt").read_text()


def test_try_again_after_signing_in_from_another_tab(ide: IDE, restartable: Restartable) -> None:
    page = ide.page
    ide.problems.allow(
        r"ERR_CONNECTION_REFUSED|WebSocket connection to .* failed|status of 401|status of 503")
    ide.open_file("notes.txt")
    ide.focus_editor_end()
    page.keyboard.type("kept in this tab")
    restartable.stop()
    restarted = restartable.start(token=NEW_TOKEN)
    banner = page.get_by_test_id("connection-banner")
    expect(banner).to_contain_text(NEW_TOKEN_MESSAGE, timeout=30_000)
    # The user opens the new URL in another tab: that sets the shared cookie.
    other = page.context.new_page()
    other.goto(restarted.login_url)
    other.get_by_role("tree", name="Files").get_by_role("treeitem").first.wait_for()
    other.close()
    banner.get_by_role("button", name="Try Again").click()
    expect(page.get_by_test_id("status-connection")).to_have_text("Connected")
    expect(banner).to_have_count(0)
    assert "kept in this tab" in ide.editor_text()
    page.keyboard.press("Control+S")
    expect(ide.tab("notes.txt")).to_have_class("tab active")
    assert "kept in this tab" in (ide.workspace / "notes.txt").read_text()
