"""FileService behaviour below the HTTP layer: atomicity details, modes, races."""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from pairpad.errors import BadRequest, Conflict, Forbidden, UnsupportedMedia
from pairpad.workspace import atomic
from pairpad.workspace import files as files_module
from pairpad.workspace.files import FileService
from pairpad.workspace.models import SaveRequest
from pairpad.workspace.paths import TEMP_PREFIX
from pairpad.workspace.text import etag_of

T = TypeVar("T")


@pytest.fixture
def service(tmp_path: Path) -> FileService:
    return FileService(tmp_path, max_file_size=1 << 20)


def _temps(directory: Path) -> list[str]:
    return [name for name in os.listdir(directory) if name.startswith(TEMP_PREFIX)]


async def test_save_keeps_the_file_mode(service: FileService, tmp_path: Path) -> None:
    script = tmp_path / "run.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o751)
    await service.write(
        "run.sh", SaveRequest(content="#!/bin/sh\necho hi\n", etag=etag_of(b"#!/bin/sh\n"))
    )
    assert stat.S_IMODE(script.stat().st_mode) == 0o751
    assert script.read_text() == "#!/bin/sh\necho hi\n"


async def test_save_through_an_inside_link_writes_the_target(
    service: FileService, tmp_path: Path
) -> None:
    (tmp_path / "real.txt").write_text("old")
    (tmp_path / "alias.txt").symlink_to(tmp_path / "real.txt")
    await service.write("alias.txt", SaveRequest(content="new", etag=etag_of(b"old")))
    assert (tmp_path / "alias.txt").is_symlink()
    assert (tmp_path / "real.txt").read_text() == "new"


async def test_concurrent_saves_with_one_etag_let_exactly_one_win(
    service: FileService, tmp_path: Path
) -> None:
    (tmp_path / "f.txt").write_bytes(b"v0")
    etag = etag_of(b"v0")
    outcomes = await asyncio.gather(
        *(service.write("f.txt", SaveRequest(content=f"v{i}", etag=etag)) for i in range(1, 9)),
        return_exceptions=True,
    )
    winners = [o for o in outcomes if not isinstance(o, BaseException)]
    assert len(winners) == 1
    assert all(isinstance(o, Conflict) for o in outcomes if isinstance(o, BaseException))
    assert (tmp_path / "f.txt").read_text() == winners[0][0].content


async def test_concurrent_creates_let_exactly_one_win(service: FileService, tmp_path: Path) -> None:
    outcomes = await asyncio.gather(
        *(service.write("new.txt", SaveRequest(content=str(i), etag=None)) for i in range(6)),
        return_exceptions=True,
    )
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 1


def test_a_failed_write_removes_its_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "f.txt"
    target.write_text("old")

    def broken_fsync(fd: int) -> None:
        raise OSError(5, "I/O error")

    monkeypatch.setattr(atomic.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="I/O error"):
        atomic.atomic_write(target, b"new")
    assert target.read_text() == "old"
    assert _temps(tmp_path) == []


def test_temp_files_are_hidden_from_the_tree(service: FileService, tmp_path: Path) -> None:
    (tmp_path / f"{TEMP_PREFIX}leftover").write_text("partial")
    (tmp_path / "kept.txt").write_text("x")
    assert [e.name for e in service._tree("").entries] == ["kept.txt"]


async def test_git_internals_are_not_writable(service: FileService, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("[core]\n")
    with pytest.raises(Forbidden):
        await service.write(".git/hooks/pre-commit", SaveRequest(content="rm -rf ~", etag=None))
    with pytest.raises(Forbidden):
        await service.delete(".git")
    with pytest.raises(Forbidden):
        await service.move(".git/config", "config")
    assert not (tmp_path / ".git" / "hooks").exists()
    assert (tmp_path / ".git" / "config").read_text() == "[core]\n"


async def test_links_into_git_internals_are_not_writable(
    service: FileService, tmp_path: Path
) -> None:
    """A repository can commit `cfg -> .git/config`; writing through it would let a clone
    set `core.fsmonitor` and run code on the next git command."""
    (tmp_path / ".git" / "hooks").mkdir(parents=True)
    (tmp_path / ".git" / "config").write_text("[core]\n")
    (tmp_path / "cfg").symlink_to(".git/config")
    (tmp_path / "hooks").symlink_to(".git/hooks")
    current = etag_of(b"[core]\n")
    with pytest.raises(Forbidden):
        await service.write("cfg", SaveRequest(content="[core]\nfsmonitor = evil\n", etag=current))
    with pytest.raises(Forbidden):
        await service.write("hooks/pre-commit", SaveRequest(content="evil", etag=None))
    with pytest.raises(Forbidden):
        await service.mkdir("hooks/sub")
    with pytest.raises(Forbidden):
        await service.delete("hooks/anything")
    assert (tmp_path / ".git" / "config").read_text() == "[core]\n"
    assert os.listdir(tmp_path / ".git" / "hooks") == []
    # the links themselves are ordinary workspace entries and may be removed
    await service.delete("cfg")
    assert not (tmp_path / "cfg").is_symlink()


@pytest.mark.parametrize("git_dir", [".GIT", ".Git", ".git.", ".git ", ".g\u200cit"])
async def test_finding_4_git_guard_is_case_and_normalisation_insensitive(
    service: FileService, tmp_path: Path, git_dir: str
) -> None:
    """On macOS and Windows `.GIT/config` is the real `.git/config` (core.fsmonitor runs)."""
    (tmp_path / git_dir / "hooks").mkdir(parents=True)
    (tmp_path / git_dir / "config").write_text("[core]\n")
    (tmp_path / "cfg").symlink_to(f"{git_dir}/config")
    before = sorted(os.listdir(tmp_path / git_dir)), os.listdir(tmp_path / git_dir / "hooks")
    with pytest.raises(Forbidden, match=r"\.git"):
        await service.write(f"{git_dir}/hooks/pre-commit", SaveRequest(content="x", etag=None))
    with pytest.raises(Forbidden):
        await service.write(
            f"{git_dir}/config", SaveRequest(content="evil", etag=etag_of(b"[core]\n"))
        )
    with pytest.raises(Forbidden):
        await service.write("cfg", SaveRequest(content="evil", etag=etag_of(b"[core]\n")))
    with pytest.raises(Forbidden):
        await service.mkdir(f"{git_dir}/hooks/sub")
    with pytest.raises(Forbidden):
        await service.move(f"{git_dir}/config", "stolen")
    with pytest.raises(Forbidden):
        await service.delete(git_dir)
    assert (sorted(os.listdir(tmp_path / git_dir)), os.listdir(tmp_path / git_dir / "hooks")) == (
        before
    )
    assert (tmp_path / git_dir / "config").read_text() == "[core]\n"


async def test_finding_9_a_nul_after_8_kib_is_binary_on_read(
    service: FileService, tmp_path: Path
) -> None:
    """It used to open as text and then every save, even unchanged, answered 400."""
    (tmp_path / "late.txt").write_bytes(b"a" * 9000 + b"\x00tail")
    with pytest.raises(UnsupportedMedia):
        await service.read("late.txt")
    (tmp_path / "text.txt").write_bytes(b"a" * 9000 + b"tail")
    read = await service.read("text.txt")
    saved, _ = await service.write("text.txt", SaveRequest(content=read.content, etag=read.etag))
    assert saved.etag == read.etag  # whatever opens as text saves back unchanged


async def test_small_reads_stay_on_the_event_loop_and_large_ones_do_not(
    service: FileService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hops: list[str] = []
    real_to_thread = asyncio.to_thread

    async def counting_to_thread(func: Callable[..., T], /, *args: object) -> T:
        hops.append(getattr(func, "__name__", "?"))
        return await real_to_thread(func, *args)

    monkeypatch.setattr(files_module.asyncio, "to_thread", counting_to_thread)
    (tmp_path / "small.txt").write_bytes(b"s" * files_module.INLINE_READ_BYTES)
    (tmp_path / "large.txt").write_bytes(b"l" * (files_module.INLINE_READ_BYTES + 1))
    (tmp_path / "link.txt").symlink_to("small.txt")
    assert (await service.read("small.txt")).size == files_module.INLINE_READ_BYTES
    assert (await service.read("link.txt")).content == "s" * files_module.INLINE_READ_BYTES
    assert hops == []
    assert (await service.read("large.txt")).size == files_module.INLINE_READ_BYTES + 1
    assert hops == ["_read"]


async def test_a_component_swapped_for_a_link_is_refused_not_followed(
    service: FileService, tmp_path: Path
) -> None:
    """The resolved path is re-walked with O_NOFOLLOW: a swap after resolution is a 403."""
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (tmp_path / "d").mkdir()
    (outside / "victim.txt").write_text("keep")
    (tmp_path / "d" / "victim.txt").write_text("inside")
    resolved, entry = service.paths.resolve("d/new.txt"), service.paths.entry("d/sub")
    victim, moved = service.paths.entry("d/victim.txt"), service.paths.entry("moved.txt")
    os.rename(tmp_path / "d", tmp_path / "d.real")
    (tmp_path / "d").symlink_to(outside)
    with pytest.raises(Forbidden, match="symbolic link"):
        service._write(resolved, SaveRequest(content="x", etag=None))
    with pytest.raises(Forbidden, match="symbolic link"):
        service._mkdir(entry)
    with pytest.raises(Forbidden, match="symbolic link"):
        service._move(victim, moved)
    with pytest.raises(Forbidden, match="symbolic link"):
        service._delete(victim)
    assert os.listdir(outside) == ["victim.txt"]
    assert (outside / "victim.txt").read_text() == "keep"


async def test_finding_7_lone_surrogates_in_paths_are_a_400(
    service: FileService, tmp_path: Path
) -> None:
    """Chat mentions and the agent call the service directly: no UnicodeEncodeError 500."""
    (tmp_path / "b.txt").write_text("b")
    calls = [
        lambda: service.read("a\ud800.txt"),
        lambda: service.write("a\ud800.txt", SaveRequest(content="x", etag=None)),
        lambda: service.mkdir("d\udce9"),
        lambda: service.move("b.txt", "c\ud800"),
        lambda: service.delete("x/\ud800"),
        lambda: service.tree("\ud800"),
    ]
    for call in calls:
        with pytest.raises(BadRequest, match="Unicode"):
            await call()
    assert sorted(os.listdir(tmp_path)) == ["b.txt"]
