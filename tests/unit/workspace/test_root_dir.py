"""The workspace root's descriptor is held open (issue 9, finding 12) and still follows the
root path: a root removed, renamed away or replaced is reopened, a link in its place refused."""

from __future__ import annotations

import gc
import os
import shutil
from pathlib import Path

import pytest

from pairpad.errors import Forbidden, NotFound
from pairpad.workspace.dirfd import RootDir
from pairpad.workspace.files import FileService
from pairpad.workspace.models import SaveRequest


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = tmp_path / "ws"
    path.mkdir()
    (path / "a.txt").write_text("first\n")
    return path


async def test_reads_reuse_one_descriptor(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    service = FileService(root, max_file_size=1 << 20)
    assert (await service.read("a.txt")).content == "first\n"
    opened: list[object] = []
    real_open = os.open

    def counting(path: object, *args: object, **kwargs: object) -> int:
        opened.append(path)
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", counting)
    for _ in range(3):
        assert (await service.read("a.txt")).content == "first\n"
    assert opened == ["a.txt"] * 3


async def test_a_replaced_root_is_reopened(root: Path, tmp_path: Path) -> None:
    service = FileService(root, max_file_size=1 << 20)
    assert (await service.read("a.txt")).content == "first\n"
    root.rename(tmp_path / "old")  # renamed away: the held descriptor still reads it
    root.mkdir()
    (root / "a.txt").write_text("second\n")
    assert (await service.read("a.txt")).content == "second\n"
    saved, _ = await service.write("b.txt", SaveRequest(content="new\n", etag=None))
    assert saved.path == "b.txt" and (root / "b.txt").read_text() == "new\n"
    assert not (tmp_path / "old" / "b.txt").exists()


async def test_a_removed_and_recreated_root_is_reopened(root: Path) -> None:
    """Even when the new directory gets the old one's inode number back (ext4 often
    hands it out again at once): the held directory is gone, so it is reopened."""
    service = FileService(root, max_file_size=1 << 20)
    assert (await service.read("a.txt")).content == "first\n"
    shutil.rmtree(root)
    with pytest.raises(NotFound):
        await service.read("a.txt")
    root.mkdir()
    (root / "a.txt").write_text("again\n")
    assert (await service.read("a.txt")).content == "again\n"


async def test_a_root_replaced_by_a_link_is_refused(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.txt").write_text("secret\n")
    service = FileService(root, max_file_size=1 << 20)
    assert (await service.read("a.txt")).content == "first\n"
    root.rename(tmp_path / "old")
    root.symlink_to(outside)
    with pytest.raises(Forbidden):
        await service.read("a.txt")
    with pytest.raises(Forbidden):
        await service.write("a.txt", SaveRequest(content="pwned\n", etag=None))
    assert (outside / "a.txt").read_text() == "secret\n"


def test_the_descriptor_is_closed_with_its_owner(root: Path) -> None:
    holder = RootDir(str(root))
    os.close(holder.open())
    held = holder._fd
    assert os.path.samefile(f"/proc/self/fd/{held}", root)
    del holder
    gc.collect()
    assert not os.path.exists(f"/proc/self/fd/{held}")
