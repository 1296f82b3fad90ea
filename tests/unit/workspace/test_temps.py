"""Temp files left by interrupted saves are swept at start-up and on a timer (issue 9, #9)."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from pairpad.workspace.temps import (
    STALE_TEMP_SECONDS,
    TempSweeper,
    is_temp_name,
    new_temp_name,
    sweep_workspace,
)

OLD = time.time() - 2 * STALE_TEMP_SECONDS


def _temp(directory: Path, *, old: bool, name: str | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / (name or new_temp_name())
    path.write_bytes(b"partial")
    if old:
        os.utime(path, (OLD, OLD))
    return path


def test_temp_names_are_recognisable_and_only_ours_match() -> None:
    name = new_temp_name()
    assert is_temp_name(name) and name.endswith(".tmp")
    assert is_temp_name(".pairpad-tmp-0123456789abcdef")  # earlier versions' form
    for other in (".pairpad-tmp-notes.txt", ".pairpad-tmp-", "x.pairpad-tmp-0123456789abcdef"):
        assert not is_temp_name(other)


def test_finding_9_sweep_removes_crash_leftovers_in_every_folder(tmp_path: Path) -> None:
    deep = _temp(tmp_path / "a" / "b" / "c", old=True)
    top = _temp(tmp_path, old=True)
    in_flight = _temp(tmp_path / "a", old=False)  # a save in progress: too young to touch
    users = _temp(tmp_path, old=True, name=".pairpad-tmp-notes.txt")
    heavy = _temp(tmp_path / "node_modules" / "pkg", old=True)  # not walked
    outside = _temp(tmp_path.parent / f"{tmp_path.name}-out", old=True)
    (tmp_path / "link-out").symlink_to(outside.parent)  # never followed
    result = sweep_workspace(tmp_path)
    assert result.removed == 2
    assert not deep.exists() and not top.exists()
    assert in_flight.exists() and users.exists() and heavy.exists() and outside.exists()
    assert result.pending_since is not None  # the young one is rechecked when it ages


async def test_finding_9_sweeper_cleans_at_start_up_and_again_when_young_ones_age(
    tmp_path: Path,
) -> None:
    stale = _temp(tmp_path / "src", old=True)
    young = _temp(tmp_path / "src", old=False)
    sweeper = TempSweeper(tmp_path, interval=3600, older_than=0.5)
    await sweeper.start()
    try:
        for _ in range(200):  # bounded wait for the background sweeps (not a timing assert)
            if not stale.exists() and not young.exists():
                break
            await asyncio.sleep(0.05)
    finally:
        await sweeper.stop()
    assert not stale.exists()
    assert not young.exists()  # swept by the recheck, long before the hour's interval
    assert sweeper.sweeps >= 2 and sweeper.removed == 2
