"""Saves survive SIGKILL at any instant: the file is entirely old or entirely new."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pairpad.errors import Conflict
from pairpad.workspace.atomic import remove_stale_temps
from pairpad.workspace.files import FileService
from pairpad.workspace.models import SaveRequest
from pairpad.workspace.paths import TEMP_PREFIX
from pairpad.workspace.temps import new_temp_name
from pairpad.workspace.text import etag_of

SIZE = 2 * 1024 * 1024
CONTENTS = {bytes([letter]) * SIZE for letter in b"AB"}
ITERATIONS = 25

# The child saves through FileService, alternating two large contents, until it is killed.
CHILD = """
import asyncio, sys
from pathlib import Path
from pairpad.workspace.files import FileService
from pairpad.workspace.models import SaveRequest

async def main(root: str, size: int) -> None:
    service = FileService(Path(root), max_file_size=8 * 1024 * 1024)
    print("ready", flush=True)
    sys.stdin.readline()
    while True:
        current = await service.read("big.txt")
        letter = "B" if current.content.startswith("A") else "A"
        await service.write("big.txt", SaveRequest(content=letter * size, etag=current.etag))
        print("saved", flush=True)

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


def _start_child(root: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root), str(SIZE)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdin is not None
    assert child.stdout.readline().strip() == "ready"
    return child


def test_sigkill_during_saves_never_leaves_a_partial_file(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    target = root / "big.txt"
    target.write_bytes(b"A" * SIZE)
    rng = random.Random(20240611)
    saves_seen = 0
    for _ in range(ITERATIONS):
        child = _start_child(root)
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write("go\n")
        child.stdin.flush()
        time.sleep(rng.uniform(0.0, 0.12))  # lands anywhere in a read/write/fsync/rename cycle
        child.send_signal(signal.SIGKILL)
        child.wait()
        saves_seen += child.stdout.read().count("saved")
        child.stdout.close()
        child.stdin.close()
        assert target.read_bytes() in CONTENTS  # whole old or whole new, never partial
        leftovers = [name for name in os.listdir(root) if name != "big.txt"]
        assert all(name.startswith(TEMP_PREFIX) for name in leftovers), leftovers
        listing = FileService(root, max_file_size=8 * 1024 * 1024)._tree("")
        assert [entry.name for entry in listing.entries] == ["big.txt"]
    assert saves_seen > 0  # the kills really interrupted a stream of saves


def test_stale_temp_files_are_swept_by_the_next_save(tmp_path: Path) -> None:
    stale, fresh = tmp_path / f"{TEMP_PREFIX}0123456789abcdef", tmp_path / new_temp_name()
    not_ours = tmp_path / f"{TEMP_PREFIX}notes.txt"  # a user's file: never deleted
    for path in (stale, fresh, not_ours):
        path.write_bytes(b"partial")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    os.utime(not_ours, (old, old))
    (tmp_path / "f.txt").write_text("x")
    service = FileService(tmp_path, max_file_size=1 << 20)
    asyncio.run(service.write("f.txt", SaveRequest(content="y", etag=etag_of(b"x"))))
    assert not stale.exists()
    assert fresh.exists()  # might belong to a save in progress
    assert not_ours.exists()
    assert remove_stale_temps(tmp_path, older_than=-1) == 1
    assert not_ours.exists()


@pytest.mark.parametrize("round_", range(5))
def test_a_stale_etag_never_overwrites(tmp_path: Path, round_: int) -> None:
    service = FileService(tmp_path, max_file_size=1 << 20)
    target = tmp_path / "f.txt"
    target.write_text(f"v{round_}")
    etag = asyncio.run(service.read("f.txt")).etag
    target.write_text(f"changed elsewhere {round_}")  # another program saves meanwhile
    with pytest.raises(Conflict) as raised:
        asyncio.run(service.write("f.txt", SaveRequest(content="mine", etag=etag)))
    assert raised.value.extra["current_etag"] == etag_of(f"changed elsewhere {round_}".encode())
    assert target.read_text() == f"changed elsewhere {round_}"
