"""One mutation path: the file service publishes each change with its actor; the watcher's
ledger tells Pairpad's own changes from other programs' (issue 10, item 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairpad.errors import Conflict
from pairpad.events.bus import EventBus
from pairpad.events.models import FsChanged, ServerEvent, agent_actor
from pairpad.workspace.files import FileService
from pairpad.workspace.models import FsChange, SaveRequest
from pairpad.workspace.text import etag_of
from pairpad.workspace.watcher import Watcher


class Recorded:
    def __init__(self, bus: EventBus) -> None:
        self.events: list[FsChanged] = []
        bus.subscribe(self._on, FsChanged)

    async def _on(self, event: ServerEvent) -> None:
        assert isinstance(event, FsChanged)
        self.events.append(event)

    def changes(self) -> list[tuple[str, str, str]]:
        return [(c.type, c.path, c.actor) for event in self.events for c in event.changes]


@pytest.fixture
def bus() -> EventBus:
    return EventBus()


@pytest.fixture
def service(tmp_path: Path, bus: EventBus) -> FileService:
    return FileService(tmp_path, max_file_size=1 << 20, events=bus)


async def test_every_mutation_publishes_its_change_with_the_actor(
    service: FileService, bus: EventBus
) -> None:
    seen = Recorded(bus)
    await service.write("a.py", SaveRequest(content="x = 1\n", etag=None))
    await service.write("a.py", SaveRequest(content="x = 2\n", etag=etag_of(b"x = 1\n")))
    await service.mkdir("pkg/sub")
    await service.move("a.py", "pkg/a.py")
    await service.delete("pkg", actor=agent_actor("r1"))
    assert seen.changes() == [
        ("added", "a.py", "user"),
        ("modified", "a.py", "user"),
        ("added", "pkg", "user"),
        ("added", "pkg/sub", "user"),
        ("deleted", "a.py", "user"),
        ("added", "pkg/a.py", "user"),
        ("deleted", "pkg", "agent:r1"),
    ]


async def test_a_refused_mutation_publishes_nothing(service: FileService, bus: EventBus) -> None:
    seen = Recorded(bus)
    await service.write("a.py", SaveRequest(content="1", etag=None))
    with pytest.raises(Conflict):
        await service.write("a.py", SaveRequest(content="2", etag=None))
    assert seen.changes() == [("added", "a.py", "user")]


async def test_the_watcher_drops_what_the_service_already_published(
    service: FileService, tmp_path: Path
) -> None:
    await service.write("saved.py", SaveRequest(content="1", etag=None))
    await service.mkdir("made")
    await service.write("gone.py", SaveRequest(content="1", etag=None))
    await service.delete("gone.py")
    reported = [FsChange(type="added", path="saved.py"), FsChange(type="added", path="made"),
                FsChange(type="deleted", path="gone.py")]
    assert service.changes.attribute(reported) == []


async def test_a_later_write_by_another_program_is_external(
    service: FileService, tmp_path: Path
) -> None:
    await service.write("saved.py", SaveRequest(content="1", etag=None))
    (tmp_path / "saved.py").write_text("changed by an editor, longer\n")
    (tmp_path / "other.py").write_text("new\n")
    reported = [FsChange(type="modified", path="saved.py"), FsChange(type="added", path="other.py")]
    assert [(c.path, c.actor) for c in service.changes.attribute(reported)] == [
        ("saved.py", "external"), ("other.py", "external")]


async def test_children_of_a_moved_or_deleted_folder_keep_the_actor(
    service: FileService, tmp_path: Path
) -> None:
    (tmp_path / "src" / "deep").mkdir(parents=True)
    (tmp_path / "src" / "deep" / "m.py").write_text("m\n")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "o.py").write_text("o\n")
    await service.move("src", "lib", actor=agent_actor("run7"))
    await service.delete("old")
    reported = [FsChange(type="added", path="lib/deep"),
                FsChange(type="added", path="lib/deep/m.py"),
                FsChange(type="deleted", path="src/deep/m.py"),
                FsChange(type="deleted", path="old/o.py")]
    assert [(c.path, c.actor) for c in service.changes.attribute(reported)] == [
        ("lib/deep", "agent:run7"), ("lib/deep/m.py", "agent:run7"),
        ("src/deep/m.py", "agent:run7"), ("old/o.py", "user")]
    # A file another program writes into the moved folder afterwards is not the agent's.
    (tmp_path / "lib" / "late.py").write_text("late\n")
    late = service.changes.attribute([FsChange(type="added", path="lib/late.py")])
    assert [(c.path, c.actor) for c in late] == [("lib/late.py", "external")]


async def test_the_watcher_attributes_its_batches_with_the_ledger(
    service: FileService, tmp_path: Path
) -> None:
    watcher = Watcher(tmp_path, debounce_ms=50, ledger=service.changes)
    await service.write("mine.py", SaveRequest(content="1", etag=None))
    (tmp_path / "theirs.py").write_text("2")
    changes = watcher._attributed([FsChange(type="added", path="mine.py"),
                                   FsChange(type="added", path="theirs.py")])
    assert [(c.path, c.actor) for c in changes] == [("theirs.py", "external")]
