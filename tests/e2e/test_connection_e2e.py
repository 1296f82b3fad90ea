"""Connection loss: the banner shows, typing goes on, and the socket reconnects on its own."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.server import RunningServer, start_server

from .conftest import IDE

pytestmark = pytest.mark.e2e

TOKEN = "e2e-reconnect-token-0123456789abcdef"


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

    def start(self) -> RunningServer:
        self.current = start_server(
            self.workspace, self.data_dir, "--port", str(self.port), "--token", TOKEN
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
    # While the server is down the browser logs its refused connections: expected here.
    ide.problems.allow(r"ERR_CONNECTION_REFUSED|WebSocket connection to .* failed")
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
