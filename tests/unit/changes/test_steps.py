"""An agent run's changes as one change set with a checkpoint per step (ChangeService.apply_step)
on a real workspace, a real SQLite database and a real shadow git repository."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import update

from pairpad.changes.models import ApplyRequest
from pairpad.changes.service import ChangeService
from pairpad.changes.shadow import ShadowRepo
from pairpad.changes.steps import StepResult, StepWrite
from pairpad.changes.store import ChangeSetStore
from pairpad.errors import Conflict, Forbidden
from pairpad.events.bus import EventBus
from pairpad.events.models import FsChanged, ReviewChanged, ServerEvent
from pairpad.storage.db import Database
from pairpad.storage.owner import Owner
from pairpad.storage.tables import ChangeSetRow
from pairpad.workspace.files import FileService
from pairpad.workspace.models import SaveRequest

ORIGINAL = "".join(f"line {n}\n" for n in range(1, 21))
TASK = "Fix the bug"


@dataclass
class Env:
    root: Path
    files: FileService
    changes: ChangeService
    db: Database
    events: list[ServerEvent]

    def disk(self, path: str = "a.txt") -> str:
        return (self.root / path).read_text()

    async def step(self, path: str, edit: Callable[[str], str | None] | str | None,
                   change_set_id: str | None = None, title: str = "edit_file a.txt",
                   allow_control: bool = False) -> StepResult:
        """One agent step from what is on disk now (as the agent reads it first)."""
        target = self.root / path
        base = target.read_text() if target.exists() else None
        after = edit(base or "") if callable(edit) else edit
        return await self.changes.apply_step(
            [StepWrite(path, base, after)], change_set_id=change_set_id, title=TASK,
            step_title=title, actor="agent:run1", allow_control=allow_control)

    async def user_edit(self, old: str, new: str, path: str = "a.txt") -> None:
        current = await self.files.read(path)
        assert old in current.content
        await self.files.write(path, SaveRequest(content=current.content.replace(old, new),
                                                 etag=current.etag))


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "a.txt").write_text(ORIGINAL)
    db = Database.for_sqlite_file(tmp_path / "data" / "pairpad.db")
    await db.migrate()
    bus = EventBus()
    seen: list[ServerEvent] = []

    async def record(event: ServerEvent) -> None:
        seen.append(event)

    bus.subscribe(record, ReviewChanged)
    bus.subscribe(record, FsChanged)
    files = FileService(root, max_file_size=1 << 20, events=bus)
    changes = ChangeService(files, ChangeSetStore(db, Owner.local(root)),
                            ShadowRepo(tmp_path / "data" / "cp.git"), events=bus)
    yield Env(root, files, changes, db, seen)
    await db.dispose()


def sub(old: str, new: str) -> Callable[[str], str]:
    return lambda text: text.replace(old, new)


async def test_steps_accumulate_in_one_set_with_a_checkpoint_each(env: Env) -> None:
    first = await env.step("a.txt", sub("line 3\n", "THREE\n"))
    second = await env.step("a.txt", sub("line 18\n", "EIGHTEEN\n"), first.change_set_id,
                            title="edit_file a.txt again")
    third = await env.step("new.py", "x = 1\n", first.change_set_id, title="write_file new.py")
    assert first.change_set_id == second.change_set_id == third.change_set_id
    assert len({first.checkpoint_id, second.checkpoint_id, third.checkpoint_id}) == 3
    # Each step's diff is that step's change only.
    [file] = second.files
    assert (file.path, file.change) == ("a.txt", "modified")
    assert "-line 18\n+EIGHTEEN\n" in file.diff and "THREE" not in file.diff
    assert [(f.path, f.change) for f in third.files] == [("new.py", "created")]

    listed = (await env.changes.checkpoints()).checkpoints
    assert [(c.id, c.title, c.files, c.change_set_id, c.source) for c in listed] == [
        (third.checkpoint_id, "write_file new.py", ["new.py"], first.change_set_id, "agent"),
        (second.checkpoint_id, "edit_file a.txt again", ["a.txt"], first.change_set_id,
         "agent"),
        (first.checkpoint_id, "edit_file a.txt", ["a.txt"], first.change_set_id, "agent")]

    assert first.change_set_id is not None
    full = await env.changes.get(first.change_set_id)
    assert (full.title, full.source, full.status) == (TASK, "agent", "pending")
    assert full.checkpoint_id == first.checkpoint_id
    [a, new] = full.files
    assert a.before == ORIGINAL
    assert a.after == ORIGINAL.replace("line 3\n", "THREE\n").replace("line 18\n", "EIGHTEEN\n")
    assert [h.state for h in a.hunks] == ["pending", "pending"]
    assert (new.path, new.status, new.before, new.after) == ("new.py", "created", None, "x = 1\n")
    listing = await env.changes.change_sets(pending_only=True)
    assert [s.id for s in listing.change_sets] == [first.change_set_id]
    assert listing.pending_hunks == 3
    reviews = [e for e in env.events if isinstance(e, ReviewChanged)]
    assert [e.pending_hunks for e in reviews] == [1, 2, 3]
    writers = {c.actor for e in env.events if isinstance(e, FsChanged) for c in e.changes
               if c.actor != "external"}
    assert writers == {"agent:run1"}


async def test_a_base_that_is_not_on_disk_any_more_is_a_409_and_nothing_is_written(
        env: Env) -> None:
    (env.root / "b.txt").write_text("one\n")
    with pytest.raises(Conflict) as refused:
        await env.changes.apply_step(
            [StepWrite("a.txt", ORIGINAL, "new\n"), StepWrite("b.txt", "stale\n", "two\n")],
            change_set_id=None, title=TASK, step_title="s", actor="agent:run1")
    assert "b.txt changed since the agent read it; read it again" in str(refused.value.detail)
    assert env.disk() == ORIGINAL and env.disk("b.txt") == "one\n"
    with pytest.raises(Conflict, match=r"a\.txt changed since"):  # it exists now
        await env.changes.apply_step([StepWrite("a.txt", None, "x\n")], change_set_id=None,
                                     title=TASK, step_title="s", actor="agent:run1")
    assert env.disk() == ORIGINAL
    assert (await env.changes.change_sets(pending_only=False)).change_sets == []
    assert (await env.changes.checkpoints()).checkpoints == []


async def test_control_files_need_allow_control_and_git_is_never_written(env: Env) -> None:
    with pytest.raises(Forbidden, match="control files"):
        await env.step("AGENTS.md", "run: evil\n")
    assert not (env.root / "AGENTS.md").exists()
    allowed = await env.step("AGENTS.md", "be nice\n", allow_control=True)
    assert [f.change for f in allowed.files] == ["created"]
    assert env.disk("AGENTS.md") == "be nice\n"
    with pytest.raises(Forbidden, match=r"inside \.git"):
        await env.step(".git/config", "[core]\n", allow_control=True)
    assert not (env.root / ".git").exists()


async def test_a_step_that_changes_nothing_takes_no_checkpoint(env: Env) -> None:
    nothing = await env.step("a.txt", ORIGINAL)
    assert nothing == StepResult(None, None, [])
    first = await env.step("a.txt", sub("line 3\n", "THREE\n"))
    again = await env.step("a.txt", env.disk(), first.change_set_id)
    assert again == StepResult(first.change_set_id, first.checkpoint_id, [])
    # What the agent wants is there already: no matter what it read, nothing to do.
    stale = await env.changes.apply_step(
        [StepWrite("a.txt", "stale\n", env.disk())], change_set_id=first.change_set_id,
        title=TASK, step_title="s", actor="agent:run1")
    assert stale.files == []
    assert len((await env.changes.checkpoints()).checkpoints) == 1


async def test_rejecting_one_hunk_of_the_run_reverts_exactly_it(env: Env) -> None:
    first = await env.step("a.txt", sub("line 3\n", "THREE\n"))
    await env.step("a.txt", sub("line 18\n", "EIGHTEEN\n"), first.change_set_id)
    assert first.change_set_id is not None
    out = await env.changes.review(first.change_set_id, "rejected", "a.txt", 0)
    assert env.disk() == ORIGINAL.replace("line 18\n", "EIGHTEEN\n")
    assert [h.state for h in out.files[0].hunks] == ["rejected", "pending"]


async def test_an_accepted_hunk_stays_accepted_and_a_reviewed_set_is_pending_again(
        env: Env) -> None:
    first = await env.step("a.txt", sub("line 3\n", "THREE\n"))
    assert first.change_set_id is not None
    await env.changes.review(first.change_set_id, "accepted", None, None)
    assert (await env.changes.get(first.change_set_id)).status == "reviewed"
    await env.step("a.txt", sub("line 18\n", "EIGHTEEN\n"), first.change_set_id)
    full = await env.changes.get(first.change_set_id)
    assert full.status == "pending"
    assert [h.state for h in full.files[0].hunks] == ["accepted", "pending"]


async def test_the_users_edit_between_steps_is_not_the_ais(env: Env) -> None:
    first = await env.step("a.txt", sub("line 3\n", "THREE\n"))
    await env.user_edit("line 10\n", "user ten\n")
    await env.step("a.txt", sub("line 18\n", "EIGHTEEN\n"), first.change_set_id)
    assert first.change_set_id is not None
    full = await env.changes.get(first.change_set_id)
    assert full.files[0].after == ORIGINAL.replace("line 3\n", "THREE\n").replace(
        "line 18\n", "EIGHTEEN\n")  # no "user ten": that line is the user's
    await env.changes.review(first.change_set_id, "rejected", None, None)
    assert env.disk() == ORIGINAL.replace("line 10\n", "user ten\n")


async def test_restoring_a_middle_step_undoes_only_the_later_steps_and_keeps_the_users_edits(
        env: Env) -> None:
    first = await env.step("a.txt", sub("line 3\n", "THREE\n"), title="step 1")
    set_id = first.change_set_id
    await env.user_edit("line 10\n", "user ten\n")  # during the run, between steps
    second = await env.step("a.txt", sub("line 18\n", "EIGHTEEN\n"), set_id, title="step 2")
    await env.step("a.txt", sub("line 5\n", "FIVE\n"), set_id, title="step 3")
    await env.step("tmp.txt", "scratch\n", set_id, title="step 4")
    await env.user_edit("line 14\n", "user 14\n")  # after the run
    assert second.checkpoint_id is not None and set_id is not None

    restored = await env.changes.restore(second.checkpoint_id)
    assert env.disk() == ORIGINAL.replace("line 3\n", "THREE\n").replace(
        "line 10\n", "user ten\n").replace("line 14\n", "user 14\n")
    assert not (env.root / "tmp.txt").exists()
    assert sorted((f.path, f.status) for f in restored.files) == [
        ("a.txt", "modified"), ("tmp.txt", "deleted")]
    run = await env.changes.get(set_id)
    assert run.status == "pending"
    assert [(f.path, f.after) for f in run.files] == [
        ("a.txt", ORIGINAL.replace("line 3\n", "THREE\n"))]  # the set now ends after step 1
    # Steps 2.. are kept as a set of their own, undone (as a set a restore undid is).
    listed = (await env.changes.checkpoints()).checkpoints
    assert [c.title for c in listed] == ["Restore of “step 2”", "step 4", "step 3", "step 2",
                                         "step 1"]
    assert listed[4].change_set_id == set_id and listed[3].id == second.checkpoint_id
    split = await env.changes.get(listed[3].change_set_id)
    assert split.id != set_id and split.status == "reverted"
    assert [(f.path, f.status) for f in split.files] == [("a.txt", "modified"),
                                                         ("tmp.txt", "created")]
    assert (await env.changes.change_sets(pending_only=True)).pending_hunks == 1

    # The restore is a change set of its own: restoring its checkpoint brings steps 2.. back.
    assert restored.checkpoint_id is not None
    await env.changes.restore(restored.checkpoint_id)
    assert env.disk() == ORIGINAL.replace("line 3\n", "THREE\n").replace(
        "line 10\n", "user ten\n").replace("line 14\n", "user 14\n").replace(
        "line 18\n", "EIGHTEEN\n").replace("line 5\n", "FIVE\n")
    assert env.disk("tmp.txt") == "scratch\n"


async def test_restoring_a_step_whose_lines_the_user_changed_is_refused_whole(
        env: Env) -> None:
    first = await env.step("a.txt", sub("line 3\n", "THREE\n"))
    second = await env.step("a.txt", sub("line 18\n", "EIGHTEEN\n"), first.change_set_id)
    await env.step("b.txt", "bee\n", first.change_set_id)
    await env.user_edit("EIGHTEEN\n", "mine\n")
    before = env.disk()
    assert second.checkpoint_id is not None
    with pytest.raises(Conflict) as refused:
        await env.changes.restore(second.checkpoint_id)
    assert refused.value.extra["conflicts"] == [
        {"path": "a.txt", "message": "your edits overlap lines the AI changed"}]
    assert env.disk() == before and env.disk("b.txt") == "bee\n"


async def test_restoring_the_first_checkpoint_reverts_the_whole_run(env: Env) -> None:
    first = await env.step("a.txt", sub("line 3\n", "THREE\n"))
    await env.step("a.txt", sub("line 18\n", "EIGHTEEN\n"), first.change_set_id)
    await env.step("new.txt", "new\n", first.change_set_id)
    await env.user_edit("line 10\n", "user ten\n")
    assert first.checkpoint_id is not None and first.change_set_id is not None
    await env.changes.restore(first.checkpoint_id)
    assert env.disk() == ORIGINAL.replace("line 10\n", "user ten\n")
    assert not (env.root / "new.txt").exists()
    run = await env.changes.get(first.change_set_id)
    assert run.status == "reverted" and len(run.files) == 2
    # A later step of the run (the set was undone) starts a new set.
    after = await env.step("a.txt", sub("line 1\n", "ONE\n"), first.change_set_id)
    assert after.change_set_id not in (None, first.change_set_id)


async def test_a_file_created_then_deleted_by_the_run_leaves_the_set(env: Env) -> None:
    first = await env.step("a.txt", sub("line 3\n", "THREE\n"))
    await env.step("scratch.txt", "tmp\n", first.change_set_id)
    gone = await env.step("scratch.txt", None, first.change_set_id, title="delete scratch")
    assert [(f.path, f.change) for f in gone.files] == [("scratch.txt", "deleted")]
    assert first.change_set_id is not None
    full = await env.changes.get(first.change_set_id)
    assert [f.path for f in full.files] == ["a.txt"]
    # Its checkpoint still says how it was: restoring it brings the file back into the set.
    assert gone.checkpoint_id is not None
    await env.changes.restore(gone.checkpoint_id)
    assert env.disk("scratch.txt") == "tmp\n"
    full = await env.changes.get(first.change_set_id)
    assert [(f.path, f.status, f.after) for f in full.files] == [
        ("a.txt", "modified", ORIGINAL.replace("line 3\n", "THREE\n")),
        ("scratch.txt", "created", "tmp\n")]


async def test_a_chat_change_between_steps_is_kept_by_a_restore_of_a_later_step(
        env: Env) -> None:
    first = await env.step("a.txt", sub("line 3\n", "THREE\n"))
    chat = await env.changes.apply(ApplyRequest(
        text="a.txt\n<<<<<<< SEARCH\nline 10\n=======\nCHAT\n>>>>>>> REPLACE\n"),
        check_etags=False)
    second = await env.step("a.txt", sub("line 18\n", "EIGHTEEN\n"), first.change_set_id)
    assert second.checkpoint_id is not None and chat.checkpoint_id is not None
    # Restoring the step made after the chat change undoes the step only ...
    undo = await env.changes.restore(second.checkpoint_id)
    assert env.disk() == ORIGINAL.replace("line 3\n", "THREE\n").replace("line 10\n", "CHAT\n")
    assert undo.checkpoint_id is not None
    await env.changes.restore(undo.checkpoint_id)
    # ... and restoring the chat change's checkpoint undoes every change made since it:
    # the chat change and the run's later step, not the run's first step.
    await env.changes.restore(chat.checkpoint_id)
    assert env.disk() == ORIGINAL.replace("line 3\n", "THREE\n")


async def test_a_set_stored_before_steps_reads_as_one_step(env: Env) -> None:
    first = await env.step("a.txt", sub("line 3\n", "THREE\n"), title="only step")
    async with env.db.session() as session:
        await session.execute(update(ChangeSetRow).values(steps=None))
    [checkpoint] = (await env.changes.checkpoints()).checkpoints
    assert (checkpoint.id, checkpoint.title, checkpoint.files) == (
        first.checkpoint_id, TASK, ["a.txt"])
    grown = await env.step("a.txt", sub("line 5\n", "FIVE\n"), first.change_set_id)
    assert grown.change_set_id == first.change_set_id
    assert grown.checkpoint_id is not None
    await env.changes.restore(grown.checkpoint_id)
    assert env.disk() == ORIGINAL.replace("line 3\n", "THREE\n")


async def test_restoring_a_step_of_a_run_a_restore_undid_brings_back_the_steps_before_it(
        env: Env) -> None:
    first = await env.step("a.txt", sub("line 3\n", "THREE\n"))
    second = await env.step("a.txt", sub("line 18\n", "EIGHTEEN\n"), first.change_set_id)
    assert first.checkpoint_id and second.checkpoint_id and first.change_set_id
    await env.changes.restore(first.checkpoint_id)
    assert env.disk() == ORIGINAL
    await env.changes.restore(second.checkpoint_id)
    assert env.disk() == ORIGINAL.replace("line 3\n", "THREE\n")
    run = await env.changes.get(first.change_set_id)
    assert run.status == "pending" and [h.state for h in run.files[0].hunks] == ["pending"]


async def test_a_run_step_building_on_a_chat_change_made_between_steps_comes_out_first(
        env: Env) -> None:
    first = await env.step("a.txt", sub("line 3\n", "THREE\n"))
    chat = await env.changes.apply(ApplyRequest(
        text="a.txt\n<<<<<<< SEARCH\nline 10\n=======\nCHAT\n>>>>>>> REPLACE\n"),
        check_etags=False)
    await env.step("a.txt", sub("CHAT\n", "CHAT, then the agent\n"), first.change_set_id)
    assert first.checkpoint_id is not None
    await env.changes.restore(first.checkpoint_id)
    assert env.disk() == ORIGINAL
    assert chat.change_set_id is not None
    assert (await env.changes.get(chat.change_set_id)).status == "reverted"
