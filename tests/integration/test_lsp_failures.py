"""Language servers that cannot start or keep crashing: the manager says so (state, detail,
503) instead of waiting or restarting forever. Real child processes, no Pairpad server."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from pairpad.errors import Unavailable
from pairpad.events.models import LspStatus, ServerEvent
from pairpad.runtime.lsp.manager import LspManager
from pairpad.runtime.lsp.settings import LspServerSettings, LspSettings


class Recorder:
    def __init__(self) -> None:
        self.events: list[ServerEvent] = []

    async def publish(self, event: ServerEvent) -> None:
        self.events.append(event)

    def states(self, name: str) -> list[tuple[str, str | None]]:
        return [(s.state, s.detail) for e in self.events if isinstance(e, LspStatus)
                for s in e.servers if s.name == name]


async def no_edit(_changes: Any, _label: str | None) -> None:
    raise AssertionError("no edit expected")


def manager(tmp_path: Path, command: list[str], bus: Recorder) -> LspManager:
    settings = LspSettings(servers={"broken": LspServerSettings(command=command,
                                                                languages=["cobol"])},
                           restart_delays=[0.0, 0.1], start_timeout=10)
    return LspManager(settings, tmp_path, tmp_path / "logs", bus, no_edit)


async def test_a_server_that_keeps_crashing_ends_failed_with_its_exit_and_output(
        tmp_path: Path) -> None:
    bus = Recorder()
    crash = [sys.executable, "-c", "import sys; print('no licence found', file=sys.stderr); "
             "sys.exit(3)"]
    lsp = manager(tmp_path, crash, bus)
    try:
        assert await lsp.open("a.cbl", "cobol", "", 1) == ["broken"]
        with pytest.raises(Unavailable, match="broken is failed: broken exited with code 3"):
            await lsp.request("a.cbl", "textDocument/hover",
                              {"position": {"line": 0, "character": 0}})
        states = [state for state, _ in bus.states("broken")]
        assert states.count("crashed") == 2 and states[-1] == "failed", states
        detail = bus.states("broken")[-1][1] or ""
        assert "no licence found" in detail and "3 times in a row" in detail
    finally:
        await lsp.stop()


async def test_a_missing_program_is_failed_at_once_and_named(tmp_path: Path) -> None:
    bus = Recorder()
    lsp = manager(tmp_path, ["no-such-language-server-xyz"], bus)
    try:
        await lsp.open("a.cbl", "cobol", "", 1)
        with pytest.raises(Unavailable, match="no-such-language-server-xyz was not found"):
            await lsp.request("a.cbl", "textDocument/hover",
                              {"position": {"line": 0, "character": 0}})
    finally:
        await lsp.stop()
