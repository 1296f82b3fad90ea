"""Starting and stopping rg: exit status kept, no hang on a full pipe, no stray process."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pairpad.workspace.ripgrep import reap, start_rg
from tests.api.test_search import rg_children


async def test_reap_kills_rg_blocked_on_a_full_pipe(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("needle\n" * 200_000)
    process = await start_rg(["--json", "--regexp", "needle"], tmp_path)
    await asyncio.sleep(0.5)  # nobody reads: the pipe and the stream buffer fill up, rg blocks
    async with asyncio.timeout(20):
        await reap(process, kill=True)
    assert process.returncode is not None
    assert rg_children() == []


async def test_reap_without_kill_keeps_rgs_exit_status(tmp_path: Path) -> None:
    for _ in range(20):  # the status was lost to a race in some runs before
        process = await start_rg(["--glob=[z", "--regexp", "x"], tmp_path)
        assert process.stdout is not None and process.stderr is not None
        await process.stdout.read()
        await reap(process, kill=False)
        assert process.returncode == 2
        assert b"error parsing glob" in await process.stderr.read()
