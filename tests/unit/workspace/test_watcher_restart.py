"""The watcher survives a failing watchfiles run: it restarts with backoff and says so."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs
from watchfiles import Change

from pairpad.workspace import watcher as watcher_module
from pairpad.workspace.models import FsChange
from pairpad.workspace.watcher import Watcher

WAIT = 10.0  # a ceiling against hangs on a loaded machine, not a timing assertion
DECODE_ERROR = 'Unable to decode path "/ws/bad\\xE9.txt" to string'


class Received:
    def __init__(self) -> None:
        self.changes: list[FsChange] = []
        self.arrived = asyncio.Event()

    async def __call__(self, changes: Sequence[FsChange]) -> None:
        self.changes += changes
        self.arrived.set()

    def paths(self) -> set[str]:
        return {change.path for change in self.changes}


async def test_finding_2_watcher_restarts_after_a_failure_and_reports_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[int] = []

    def failing_then_working(*args: Any, stop_event: asyncio.Event, **kwargs: Any) -> Any:
        runs.append(len(runs))
        failing = len(runs) <= 3

        async def batches() -> AsyncIterator[set[tuple[Change, str]]]:
            if failing:  # what watchfiles raises for a file name that is not UTF-8
                raise ExceptionGroup("in a TaskGroup", [RuntimeError(DECODE_ERROR)])
            yield {(Change.added, str(tmp_path / "good.txt"))}
            await stop_event.wait()

        return batches()

    monkeypatch.setattr(watcher_module, "awatch", failing_then_working)
    received = Received()
    resyncs: list[bool] = []
    watcher = Watcher(tmp_path, debounce_ms=50, subscribers=[received])
    watcher.backoff_first_s = 0.01
    watcher.on_resync(lambda: resyncs.append(True))
    with capture_logs() as logs:
        await watcher.start()
        try:
            async with asyncio.timeout(WAIT):
                await received.arrived.wait()
            status = watcher.status()
        finally:
            await watcher.stop()
    assert received.paths() == {"good.txt"}
    assert (status.state, status.restarts) == ("running", 3)
    assert status.last_error == f"RuntimeError: {DECODE_ERROR}"
    assert resyncs == [True, True, True]  # the finder drops its list after each gap
    delays = [entry["retry_in_s"] for entry in logs if "retry_in_s" in entry]
    assert delays == [0.01, 0.02, 0.04]  # backoff doubles
    assert watcher.status().state == "stopped"


async def test_finding_2_undecodable_file_name_does_not_end_live_updates(tmp_path: Path) -> None:
    """The real watchfiles error, from a real file name; later changes still arrive."""
    received = Received()
    watcher = Watcher(tmp_path, debounce_ms=50, subscribers=[received])
    await watcher.start()
    try:
        await asyncio.sleep(0.3)  # let the first run set up its watches
        with open(os.path.join(os.fsencode(tmp_path), b"bad\xe9.txt"), "wb"):
            pass
        async with asyncio.timeout(WAIT):  # before: the watcher had died for good
            probe = 0
            while not any(path.startswith("probe-") for path in received.paths()):
                (tmp_path / f"probe-{probe}.txt").write_text("x")  # until the restart listens
                probe += 1
                await asyncio.sleep(0.3)
        status = watcher.status()
    finally:
        await watcher.stop()
    assert status.state == "running" and status.restarts >= 1
    assert status.last_error is not None and "decode" in status.last_error
    assert all(path.encode("utf-8") for path in received.paths())

