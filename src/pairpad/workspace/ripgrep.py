"""Locating and invoking the ripgrep binary shipped by the `ripgrep` PyPI package."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sys
from pathlib import Path

from pairpad.errors import Unavailable
from pairpad.workspace.visibility import RG_OPTIONS, VisibilityPolicy

# Text search, the file finder and the indexer's walker all take their ripgrep arguments
# from the workspace's VisibilityPolicy, so all see the same files. These are the policy's
# arguments for a workspace without a `.pairpadignore` (benchmarks, tests).
OPTIONS = RG_OPTIONS
EXCLUDES = VisibilityPolicy.rg_excludes_default()
COMMON_ARGS = OPTIONS + EXCLUDES


def find_rg() -> str:
    beside_python = Path(sys.executable).parent / "rg"
    if beside_python.is_file():
        return str(beside_python)
    found = shutil.which("rg")
    if found is None:
        raise Unavailable(
            "ripgrep (rg) is not installed: install the Python package ripgrep==14.1.0"
        )
    return found


async def start_rg(
    args: list[str], cwd: Path, policy: VisibilityPolicy | None = None
) -> asyncio.subprocess.Process:
    """rg in `cwd` (the workspace root) with the policy's options before `args` and its
    exclusions after them (so no user glob can re-include a hidden path)."""
    policy = policy or VisibilityPolicy(cwd)
    return await asyncio.create_subprocess_exec(
        find_rg(),
        *policy.rg_options(),
        *args,
        *policy.rg_excludes(),
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def reap(process: asyncio.subprocess.Process, *, kill: bool) -> None:
    """Wait for rg, killing it first when we stopped reading early: no strays, no zombies.

    Only kill when needed: `Process.kill()` polls (and so reaps) an rg that has just exited,
    and the event loop's child watcher then reports exit status 255 instead of rg's own —
    which would hide its status 2 for an invalid pattern.
    """
    if not kill:
        try:
            await asyncio.wait_for(process.wait(), timeout=5)
            return
        except TimeoutError:
            pass
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
    # wait() returns only once the pipes are closed; a paused, full stdout pipe never sees
    # EOF unless it is read, so drain what rg wrote before it died.
    if process.stdout is not None:
        await process.stdout.read()
    await process.wait()
