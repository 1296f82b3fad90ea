"""An agent run's changes as one change set that grows step by step, a checkpoint per step.

Each step records the touched files as they were on disk before it (`befores`, blobs in the
shadow repository, also committed as the step's checkpoint). The set's `after` of a file is
the AI's own text: a step's change (disk before it -> what it wrote) is laid onto what the
set left so far, so lines the user typed between steps are not counted as the AI's (when
the two overlap, the file as written is taken). Hunks are recomputed after each step: a hunk
the user accepted that is still there, unchanged, stays accepted; every other hunk is
pending (a rejected hunk is already out of the text the step built on, so it is gone).

Restoring step k of a set takes out what steps k.. did, file by file, towards the file as it
was before the first of them that touched it (merged with the user's edits); the set then
ends before step k, and steps k.. become a set of their own, already reverted, so that
undoing the restore or restoring an older checkpoint still accounts for them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pairpad.changes.hunks import HunkState, spans, split_lines, unified
from pairpad.changes.io import ChangeIo, Written
from pairpad.changes.merge3 import merge3
from pairpad.changes.store import ChangeSetRecord, FileRecord, StepRecord
from pairpad.changes.views import state_text

StepChange = Literal["modified", "created", "deleted"]


@dataclass(frozen=True)
class StepWrite:
    path: str
    base: str | None  # what the agent computed from (None: no file); must still be on disk
    after: str | None  # None: delete


@dataclass(frozen=True)
class StepFile:
    path: str
    change: StepChange
    diff: str  # unified diff of this step only


@dataclass(frozen=True)
class StepResult:
    """The set the step went into and the checkpoint taken before it. A step that changed
    nothing takes no checkpoint: the ids are the set's latest (None when there is no set)."""

    change_set_id: str | None
    checkpoint_id: str | None
    files: list[StepFile]


def step_files(done: Written) -> list[StepFile]:
    out = []
    for write, saved in done:
        after = None if saved is None else saved.content
        change: StepChange = "created" if write.before is None else \
            "deleted" if after is None else "modified"
        out.append(StepFile(write.path, change, unified(write.path, write.before_text, after)))
    return out


# ---- pure helpers ---------------------------------------------------------------------


def carried_states(before: str | None, old_after: str | None, old_states: list[HunkState],
                   new_after: str | None) -> list[HunkState]:
    """The hunks of before -> new_after: accepted where the user accepted the same hunk."""
    old_spans = spans(before, old_after)
    kept: set[tuple[int, int, tuple[str, ...]]] = set()
    if len(old_spans) == len(old_states):
        old_new = split_lines(old_after)
        kept = {(s.old_start, s.old_end, tuple(old_new[s.new_start:s.new_end]))
                for s, state in zip(old_spans, old_states, strict=True) if state == "accepted"}
    new = split_lines(new_after)
    states: list[HunkState] = [
        "accepted" if (s.old_start, s.old_end, tuple(new[s.new_start:s.new_end])) in kept
        else "pending" for s in spans(before, new_after)]
    return states or ["pending"]  # a created empty file still has its one hunk


def rebased(ai: str | None, base: str | None, new: str | None) -> str | None:
    """`ai` with the change base -> new laid onto it (blocking: git merge-file); `new` itself
    when a side is absent or the change overlaps what differs between ai and base."""
    if ai == base or ai is None or base is None or new is None:
        return new
    merged = merge3(ai, base, new)
    return new if merged.conflicts else merged.text


def undone(now: str | None, left: str | None,
           target: str | None) -> tuple[str | None, str | None]:
    """Takes a change (target -> left) out of the file `now` (blocking): the new text, and a
    conflict message (then the text is `now`)."""
    if left == target:
        return now, None  # nothing of it is left (every hunk of it was rejected)
    if now == left:
        return target, None
    if now is None or left is None or target is None:
        return now, ("the file was deleted since" if now is None else
                     "the file was changed since the AI created or deleted it")
    merged = merge3(now, left, target)
    if merged.conflicts:
        return now, "your edits overlap lines the AI changed"
    return merged.text, None


def first_touch(record: ChangeSetRecord, path: str) -> tuple[bool, str | None]:
    """Whether a step of the set touched `path`, and the file's blob before the first did."""
    for step in record.steps:
        if path in step.befores:
            return True, step.befores[path]
    return False, None


def targets_from(record: ChangeSetRecord, k: int) -> dict[str, str | None]:
    """Each file steps k.. touched -> its blob before the first of them that touched it."""
    targets: dict[str, str | None] = {}
    for step in record.steps[k:]:
        for path in step.files:
            targets.setdefault(path, step.befores.get(path))
    return targets


def first_step_since(record: ChangeSetRecord, moment: datetime) -> int | None:
    return next((i for i, s in enumerate(record.steps) if s.created_at >= moment), None)


def settle(record: ChangeSetRecord) -> None:
    """The set's status from its hunks (a reverted set stays so)."""
    if record.status == "reverted":
        return
    pending = any(s == "pending" for f in record.files for s in f.states)
    record.status = "pending" if pending else "reviewed"


def _status(before: str | None, after: str | None) -> str:
    return "created" if before is None else "deleted" if after is None else "modified"


# ---- a set's files as its steps move them -----------------------------------------------


async def left_of(io: ChangeIo, record: ChangeSetRecord, path: str) -> str | None:
    """The text the set leaves in a file its steps touched, as reviewed so far."""
    return (await _file_and_left(io, record, path))[1]


async def _file_and_left(io: ChangeIo, record: ChangeSetRecord,
                         path: str) -> tuple[FileRecord, str | None]:
    """The set's record of a file (a fresh one with no change when the set has none: its steps
    touched it, then put it back) and the text the set leaves in it now."""
    file = record.file(path)
    if file is not None:
        before, after = await io.texts(file)
        return file, state_text(file, before, after, file.states)
    touched, blob = first_touch(record, path)
    if not touched:  # new to the set: it starts from the file as it is
        raise LookupError(path)
    return FileRecord(path, "modified", None, blob, blob, []), await io.get(blob)


async def _move(io: ChangeIo, record: ChangeSetRecord, file: FileRecord, left: str | None,
                disk_before: str | None, disk_after: str | None) -> str | None:
    """Lays the disk change disk_before -> disk_after onto the set's text of the file;
    returns the set's new text of it."""
    before, old_after = await io.texts(file)
    after = await asyncio.to_thread(rebased, left, disk_before, disk_after)
    if record.file(file.path) is None:
        record.files.append(file)
    if after == before:  # the set no longer changes it (created then deleted, or put back)
        record.files.remove(file)
        return after
    file.states = carried_states(before, old_after, file.states, after)
    file.status = _status(before, after)
    file.after = await io.put(after)
    return after


async def extend(io: ChangeIo, record: ChangeSetRecord, done: Written, step: StepRecord) -> None:
    """Adds a written step to an existing set (the caller stores it)."""
    for write, saved in done:
        try:
            file, left = await _file_and_left(io, record, write.path)
        except LookupError:
            blob = step.befores[write.path]
            file = FileRecord(write.path, "modified", write.before.encoding
                              if write.before else None, blob, blob, [])
            left = write.before_text
        await _move(io, record, file, left, write.before_text,
                    None if saved is None else saved.content)
    record.steps.append(step)
    settle(record)


async def truncate(io: ChangeIo, record: ChangeSetRecord, k: int,
                   moved: dict[str, tuple[str | None, str | None]],
                   split_id: str) -> ChangeSetRecord:
    """Ends the set before step k once a restore took steps k.. out of the files (`moved`:
    path -> the text before the restore took them out, and after). Returns a new set, already
    reverted, holding steps k.. and what they changed: as with a whole set a restore undid,
    undoing that restore (or restoring an older checkpoint) still finds them."""
    split_files = []
    for path, (now, result) in moved.items():
        file, left = await _file_and_left(io, record, path)
        after = await _move(io, record, file, left, now, result)
        if after != left:
            count = len(spans(after, left)) or 1
            split_files.append(FileRecord(path, _status(after, left), file.encoding,
                                          await io.put(after), await io.put(left),
                                          ["accepted"] * count))
    split = record.steps[k:]
    del record.steps[k:]
    # Steps ..k-1 are on disk now even if a restore had undone the whole set: that restore
    # came after step k, so this one took it out too.
    record.status = "reverted" if not record.files else "pending"
    settle(record)
    return ChangeSetRecord(
        id=split_id, seq=record.seq, created_at=split[0].created_at, source=record.source,
        title=record.title, status="reverted", checkpoint_id=split[0].checkpoint_id,
        checkpoint_commit=split[0].commit, files=split_files, steps=split)
