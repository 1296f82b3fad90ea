"""TerminalService with real PTYs and a recording bus (no socket): the events it publishes
when a shell ends (on its own, abandoned after the grace period, server stopping), the limit
on terminals, and how it picks the shell and its environment."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from pairpad.errors import NotFound, Unavailable
from pairpad.events.models import ServerEvent, TerminalExit, TerminalOutput
from pairpad.runtime.settings import TerminalSettings
from pairpad.runtime.terminals import (
    TerminalService,
    TooManyTerminals,
    pick_shell,
    shell_argv,
    shell_env,
)


class Recorder:
    def __init__(self) -> None:
        self.events: list[ServerEvent] = []

    async def publish(self, event: ServerEvent) -> None:
        self.events.append(event)

    def output(self, term_id: str) -> str:
        return "".join(e.data for e in self.events
                       if isinstance(e, TerminalOutput) and e.term_id == term_id)

    async def exit_of(self, term_id: str, timeout: float = 10) -> TerminalExit:
        async with asyncio.timeout(timeout):
            while True:
                for event in self.events:
                    if isinstance(event, TerminalExit) and event.term_id == term_id:
                        return event
                await asyncio.sleep(0.02)


async def no_join(_term_id: str) -> None:
    return None


ENV = {"SHELL": "/bin/sh", "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/tmp"}


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[tuple[TerminalService, Recorder]]:
    bus = Recorder()
    terminals = TerminalService(TerminalSettings(grace_s=0.3, max_terminals=2), tmp_path, bus,
                                environ=ENV)
    yield terminals, bus
    await terminals.stop()


async def test_a_shell_that_exits_on_its_own_reports_its_code_and_stays_listed(
    service: tuple[TerminalService, Recorder],
) -> None:
    terminals, bus = service
    info = await terminals.open(holder="a", cols=80, rows=24, join=no_join)
    terminals.write(info.term_id, "printf 'bye\\n'; exit 3\r")
    ended = await bus.exit_of(info.term_id)
    assert (ended.exit_code, ended.signal, ended.reason) == (3, None, None)
    assert "bye\r\n" in bus.output(info.term_id)
    # The exit comes after all the output.
    assert isinstance(bus.events[-1], TerminalExit)
    [listed] = terminals.list()
    assert listed.exited and listed.exit_code == 3
    attached = await terminals.attach(info.term_id, holder="b", join=no_join)
    assert attached.info.exited and "bye" in attached.scrollback
    await terminals.close(info.term_id)
    assert terminals.list() == []


async def test_an_abandoned_terminal_is_killed_with_reason_abandoned(
    service: tuple[TerminalService, Recorder],
) -> None:
    terminals, bus = service
    info = await terminals.open(holder="a", cols=80, rows=24, join=no_join)
    pid = terminals.pid_of(info.term_id)
    terminals.release("a")
    ended = await bus.exit_of(info.term_id)
    assert ended.reason == "abandoned" and ended.signal == "SIGHUP"
    assert not Path(f"/proc/{pid}").exists()
    with pytest.raises(NotFound):
        await terminals.attach(info.term_id, holder="b", join=no_join)


async def test_a_reattach_within_the_grace_period_keeps_it(
    service: tuple[TerminalService, Recorder],
) -> None:
    terminals, bus = service
    info = await terminals.open(holder="a", cols=80, rows=24, join=no_join)
    terminals.release("a")
    await terminals.attach(info.term_id, holder="b", join=no_join)
    await asyncio.sleep(0.6)
    assert not [e for e in bus.events if isinstance(e, TerminalExit)]
    terminals.write(info.term_id, "echo still-$((1+2))\r")
    async with asyncio.timeout(10):
        while "still-3" not in bus.output(info.term_id):
            await asyncio.sleep(0.02)


async def test_a_detached_flood_is_read_on_slowly_into_the_bounded_scrollback(
    tmp_path: Path,
) -> None:
    bus = Recorder()
    terminals = TerminalService(TerminalSettings(grace_s=60, scrollback_chars=4096), tmp_path,
                                bus, environ=ENV)
    try:
        info = await terminals.open(holder="a", cols=80, rows=24, join=no_join)
        terminals.write(info.term_id, "yes\r")
        await asyncio.sleep(0.3)
        terminals.release("a")
        await asyncio.sleep(0.3)
        before = (await terminals.attach(info.term_id, holder="peek", join=no_join)).offset
        terminals.release("peek")
        await asyncio.sleep(1.0)
        attached = await terminals.attach(info.term_id, holder="b", join=no_join)
        read = attached.offset - before
        # Still read (the shell is not blocked for good), but throttled: at most READ_BYTES
        # per DETACHED_GAP_S (~1.3 M/s), where unthrottled `yes` goes tens of M/s.
        assert 0 < read < 2_000_000, read
        assert len(attached.scrollback) <= 4096
        assert set(attached.scrollback.replace("\r", "").replace("\n", "")) == {"y"}
    finally:
        await terminals.stop()


async def test_at_most_max_terminals_then_a_clear_429(
    service: tuple[TerminalService, Recorder],
) -> None:
    terminals, _ = service
    for _ in range(2):
        await terminals.open(holder="a", cols=80, rows=24, join=no_join)
    with pytest.raises(TooManyTerminals) as refused:
        await terminals.open(holder="a", cols=80, rows=24, join=no_join)
    assert refused.value.status_code == 429 and "close one" in refused.value.detail


async def test_stopping_the_service_kills_every_shell(tmp_path: Path) -> None:
    bus = Recorder()
    terminals = TerminalService(TerminalSettings(), tmp_path, bus, environ=ENV)
    infos = [await terminals.open(holder="a", cols=80, rows=24, join=no_join)
             for _ in range(2)]
    pids = [terminals.pid_of(info.term_id) for info in infos]
    await terminals.stop()
    for info, pid in zip(infos, pids, strict=True):
        assert (await bus.exit_of(info.term_id)).reason == "server stopping"
        assert not Path(f"/proc/{pid}").exists()


def test_the_shell_is_the_setting_then_SHELL_then_bash(tmp_path: Path) -> None:
    assert pick_shell("/bin/sh", {"SHELL": "/bin/bash"}) == "/bin/sh"
    assert pick_shell(None, {"SHELL": "/bin/sh"}) == "/bin/sh"
    assert pick_shell(None, {}) == "/bin/bash"
    assert pick_shell(None, {"SHELL": str(tmp_path / "missing")}) == "/bin/bash"
    with pytest.raises(Unavailable, match=r"terminal\.shell"):
        pick_shell(str(tmp_path / "missing"), {})
    assert shell_argv("/bin/bash") == ["/bin/bash", "-l"]
    assert shell_argv("/usr/bin/python3") == ["/usr/bin/python3"]


def test_the_env_drops_pairpads_settings_and_declares_the_terminal() -> None:
    env = shell_env({"PAIRPAD_TOKEN": "t", "PAIRPAD_AI__X": "k", "OPENAI_API_KEY": "own",
                     "COLUMNS": "10", "TERM": "dumb", "HOME": "/h"})
    assert env == {"OPENAI_API_KEY": "own", "HOME": "/h", "TERM": "xterm-256color",
                   "COLORTERM": "truecolor", "TERM_PROGRAM": "Pairpad", "LANG": "C.UTF-8"}
    assert shell_env({"LC_ALL": "de_DE.UTF-8"})["LC_ALL"] == "de_DE.UTF-8"
    assert "LANG" not in shell_env({"LC_ALL": "de_DE.UTF-8"})  # the user's locale stands
