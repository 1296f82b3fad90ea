"""AI changes to the workspace: preview, apply (all or nothing, with a checkpoint), review
hunk by hunk, and restore a checkpoint without losing what the user wrote since.

Every write goes through the file service (confinement, the `.git` guard, atomic saves,
`fs:changed`); the pure edit engine decides what the files become; the shadow repository
keeps the contents; the store keeps the review state. One lock per workspace serialises
apply, review and restore, so a review never interleaves with the write it reviews.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from pairpad.changes.hunks import HunkState, effective, placed, spans, unified
from pairpad.changes.merge3 import merge3
from pairpad.changes.models import (
    ApplyRequest,
    ApplyResult,
    ChangeFileOut,
    ChangeFileSummary,
    ChangeSetList,
    ChangeSetOut,
    ChangeSetSummary,
    CheckpointList,
    CheckpointOut,
    ClosestRegion,
    EditErrorOut,
    EditRequest,
    FileReview,
    HunkOut,
    Preview,
    PreviewFile,
    RestoredFile,
    RestoreResult,
)
from pairpad.changes.shadow import ShadowRepo
from pairpad.changes.store import ChangeSetRecord, ChangeSetStore, FileRecord
from pairpad.edits import EditParseError, EditPlan, FilePlan, parse_edits, plan_edits
from pairpad.edits.paths import problem as path_problem
from pairpad.errors import BadRequest, Conflict, Forbidden, NotFound, Unprocessable
from pairpad.events.bus import Publish
from pairpad.events.models import ReviewChanged
from pairpad.workspace.files import FileService
from pairpad.workspace.models import Encoding, FileContent, SaveRequest
from pairpad.workspace.names import is_git_dir_name
from pairpad.workspace.protected import is_control_path

_CHANGED = ("modified", "created", "deleted")


@dataclass
class _Planned:
    plan: EditPlan
    format: str
    reads: dict[str, FileContent | None]  # what the plan was made from (None: no file)


@dataclass(frozen=True)
class _Write:
    """One file of a change about to be written: from `before` to `after` (None: absent)."""

    path: str
    before: FileContent | None
    after: str | None
    encoding: Encoding | None = None  # for a file (re)created: its old encoding


class ChangeService:
    def __init__(self, files: FileService, store: ChangeSetStore, shadow: ShadowRepo,
                 events: Publish | None = None,
                 is_control: Callable[[str], bool] = is_control_path) -> None:
        self._files = files
        self._store = store
        self._shadow = shadow
        self._events = events
        self._is_control = is_control
        self._lock = asyncio.Lock()

    # ---- preview and apply ------------------------------------------------------------

    async def preview(self, request: EditRequest) -> Preview:
        planned = await self._plan(request)
        return Preview(status=planned.plan.status, format=planned.format,
                       files=self._preview_files(planned))

    async def apply(self, request: ApplyRequest, *, check_etags: bool = True,
                    actor: str | None = None) -> ApplyResult:
        """Writes the whole change or nothing. `check_etags`: the request's etags must match
        the files now (the route); an internal caller that planned from a fresh read passes
        False."""
        async with self._lock:
            planned = await self._plan(request)
            files = self._preview_files(planned)
            if planned.plan.status == "failed":
                first = next(f.error for f in files if f.error is not None)
                raise Unprocessable(first.message, files=[f.model_dump() for f in files])
            changed = [f for f in planned.plan.files if f.status in _CHANGED]
            if not changed:
                return ApplyResult(status="already_applied", change_set_id=None,
                                   checkpoint_id=None, files=files)
            if check_etags:
                self._check_etags(changed, planned.reads, request.etags)
            self._check_control(changed, request.allow_control)
            writes = [_Write(f.path, planned.reads[f.path], f.after) for f in changed]
            record = await self._record(writes, request.source, request.title or _title(writes),
                                        actor=actor)
        await self._announce(record.id)
        return ApplyResult(status="ok", change_set_id=record.id,
                           checkpoint_id=record.checkpoint_id, files=files)

    async def _plan(self, request: EditRequest) -> _Planned:
        try:
            parsed = parse_edits(request.text, request.format, path=request.path)
        except EditParseError as error:
            raise BadRequest(str(error)) from None
        reads: dict[str, FileContent | None] = {}
        for edits in parsed.files:
            if edits.path in reads or path_problem(edits.path) is not None:
                continue  # the engine refuses a bad path with its own message
            reads[edits.path] = await self._read(edits.path)

        def current(path: str) -> str | None:
            found = reads.get(path)
            return None if found is None else found.content

        return _Planned(plan_edits(parsed, current), parsed.format, reads)

    def _preview_files(self, planned: _Planned) -> list[PreviewFile]:
        out = []
        for plan in planned.plan.files:
            read = planned.reads.get(plan.path)
            out.append(PreviewFile(
                path=plan.path, status=plan.status,
                content=plan.after if plan.status != "failed" else None,
                diff=unified(plan.path, plan.before, plan.after)
                if plan.status in _CHANGED else "",
                etag=None if read is None else read.etag,
                error=_error_out(plan), rungs=list(plan.rungs),
                control=self._is_control(plan.path)))
        return out

    def _check_etags(self, changed: list[FilePlan], reads: dict[str, FileContent | None],
                     etags: dict[str, str | None]) -> None:
        missing = [f.path for f in changed if f.path not in etags]
        if missing:
            raise BadRequest("`etags` must give the etag the preview returned for every file "
                             f"it changes (null for a new file); missing: {', '.join(missing)}")
        for plan in changed:
            read = reads[plan.path]
            now = None if read is None else read.etag
            if etags[plan.path] != now:
                what = "was deleted" if read is None else "was created" \
                    if etags[plan.path] is None else "changed"
                raise Conflict(f"{plan.path} {what} since the preview: preview the edit again",
                               path=plan.path, current_etag=now)

    def _check_control(self, changed: list[FilePlan], allowed: bool) -> None:
        inside_git = [f.path for f in changed
                      if any(is_git_dir_name(part) for part in f.path.split("/"))]
        if inside_git:
            raise Forbidden(f"Refusing to change {', '.join(inside_git)}: files inside .git "
                            "are managed by git")
        control = [f.path for f in changed if self._is_control(f.path)]
        if control and not allowed:
            raise Forbidden(
                f"The change touches control files ({', '.join(control)}): they steer the "
                "editor, git or AI agents. Review them and apply again with allow_control.",
                paths=control)

    # ---- change sets and review -------------------------------------------------------

    async def change_sets(self, *, pending_only: bool) -> ChangeSetList:
        records = await self._store.listed()
        shown = [r for r in records if r.status == "pending" or not pending_only]
        files, hunks = _pending(records)
        return ChangeSetList(change_sets=[_summary(r) for r in shown],
                             pending_files=files, pending_hunks=hunks)

    async def get(self, change_set_id: str) -> ChangeSetOut:
        return await self._full(await self._record_of(change_set_id))

    async def review(self, change_set_id: str, decision: HunkState, path: str | None,
                     hunk: int | None) -> ChangeSetOut:
        """Accept or reject everything pending in a set, one file, or one hunk. Rejecting puts
        exactly those lines back on disk, merged with what the user wrote since (409 when
        the user changed the same lines)."""
        async with self._lock:
            record = await self._record_of(change_set_id)
            if record.status == "reverted":
                raise Conflict("This change set was undone by a checkpoint restore; there is "
                               "nothing left to review in it")
            if hunk is not None and path is None:
                raise BadRequest("A hunk needs its file: give `path` with `hunk`")
            targets = record.files if path is None else [self._file_of(record, path)]
            if hunk is not None and hunk >= len(targets[0].states):
                raise NotFound(f"{path} has no hunk {hunk} in change set {record.id}")
            for file in targets:
                new_states = _decided(file.states, decision, hunk)
                if new_states == file.states:
                    continue
                if decision == "rejected":
                    await self._revert(record, file, new_states)
                file.states = new_states
                if not any(s == "pending" for f in record.files for s in f.states):
                    record.status = "reviewed"
                # Stored file by file: when a later file's revert is refused (409), the
                # record still says what is on disk for the files already reverted.
                await self._store.save(record)
        await self._announce(record.id)
        return await self._full(record)

    async def _revert(self, record: ChangeSetRecord, file: FileRecord,
                      states: list[HunkState]) -> None:
        before, after = await self._texts(file)
        expected = _state_text(file, before, after, file.states)
        wanted = _state_text(file, before, after, states)
        current = await self._read(file.path)
        now = None if current is None else current.content
        if now == expected:
            result = wanted
        elif now is None or expected is None or wanted is None:
            raise Conflict(f"{file.path} was {'deleted' if now is None else 'changed'} since "
                           "the AI change; undo that by hand")
        else:
            merged = await asyncio.to_thread(merge3, now, expected, wanted)
            if merged.conflicts:
                raise Conflict(f"You changed the lines of {file.path} that this hunk touches "
                               "since it was applied; nothing was reverted. Edit them by hand.",
                               path=file.path)
            result = merged.text
        encoding: Encoding | None = file.encoding  # type: ignore[assignment]
        await self._write(_Write(file.path, current, result, encoding), f"review:{record.id}")

    # ---- checkpoints ------------------------------------------------------------------

    async def checkpoints(self) -> CheckpointList:
        records = await self._store.listed()
        return CheckpointList(checkpoints=[CheckpointOut(
            id=r.checkpoint_id, created_at=_iso(r.created_at), source=r.source,
            title=r.title, files=[f.path for f in r.files], change_set_id=r.id)
            for r in records])

    async def restore(self, checkpoint_id: str) -> RestoreResult:
        """Undoes every change set from this checkpoint's on, newest first, each merged with
        the user's edits since; all or nothing, and itself a change set with a checkpoint."""
        async with self._lock:
            target = await self._store.by_checkpoint(checkpoint_id)
            if target is None:
                raise NotFound(f"No checkpoint {checkpoint_id}")
            undone = await self._store.listed(since_seq=target.seq, limit=10_000)
            reads: dict[str, FileContent | None] = {}
            texts: dict[str, str | None] = {}
            conflicts: list[dict[str, str]] = []
            for record in undone:  # newest first
                for file in record.files:
                    if file.path not in reads:
                        reads[file.path] = await self._read(file.path)
                        found = reads[file.path]
                        texts[file.path] = None if found is None else found.content
                    problem = await self._undo_into(texts, file)
                    if problem:
                        conflicts.append({"path": file.path, "message": problem})
            if conflicts:
                raise Conflict(
                    "Restoring would overwrite your own edits where they overlap the AI's "
                    "changes; nothing was restored. Conflicts: " +
                    "; ".join(f"{c['path']}: {c['message']}" for c in conflicts),
                    conflicts=conflicts)
            writes = [_Write(path, reads[path], text) for path, text in texts.items()
                      if text != (None if reads[path] is None else reads[path].content)]  # type: ignore[union-attr]
            result = RestoreResult(checkpoint_id=None, change_set_id=None, files=[])
            if writes:
                record = await self._record(
                    writes, "restore", f"Restore of “{target.title}”", status="reviewed")
                result = RestoreResult(
                    checkpoint_id=record.checkpoint_id, change_set_id=record.id,
                    files=[RestoredFile(path=f.path, status=f.status)
                           for f in record.files])
            for record in undone:
                record.status = "reverted"
                await self._store.save(record)
        await self._announce(result.change_set_id)
        return result

    async def _undo_into(self, texts: dict[str, str | None], file: FileRecord) -> str | None:
        """Takes one file's change out of `texts[path]`; returns a conflict message, or None."""
        before, after = await self._texts(file)
        left = _state_text(file, before, after, file.states)
        now = texts[file.path]
        if left == before:
            return None  # every hunk of it was rejected: nothing of it is left to undo
        if now == left:
            texts[file.path] = before
            return None
        if now is None or left is None or before is None:
            return ("the file was deleted since" if now is None else
                    "the file was changed since the AI created or deleted it")
        merged = await asyncio.to_thread(merge3, now, left, before)
        if merged.conflicts:
            return "your edits overlap lines the AI changed"
        texts[file.path] = merged.text
        return None

    # ---- writing a change set ---------------------------------------------------------

    async def _record(self, writes: list[_Write], source: str, title: str, *,
                      status: str = "pending", actor: str | None = None) -> ChangeSetRecord:
        """Snapshots the files, writes them (rolled back if one fails), stores the set."""
        change_id = uuid.uuid4().hex[:16]
        checkpoint_id = "cp" + uuid.uuid4().hex[:14]
        await asyncio.to_thread(self._shadow.ensure)
        befores = {w.path: await self._put(None if w.before is None else w.before.content)
                   for w in writes}
        commit = await asyncio.to_thread(
            self._shadow.snapshot, checkpoint_id, befores,
            f"Checkpoint {checkpoint_id} before change set {change_id} ({source}): {title}")
        done: list[tuple[_Write, FileContent | None]] = []
        try:
            for write in writes:
                done.append((write, await self._write(write, actor or f"ai:{change_id}")))
        except BaseException:
            await self._roll_back(done, f"ai:{change_id}")
            raise
        files = []
        for write, saved in done:
            after_text = None if saved is None else saved.content
            kind = "created" if write.before is None else "deleted" if saved is None \
                else "modified"
            before_text = None if write.before is None else write.before.content
            count = len(spans(before_text, after_text)) or 1
            files.append(FileRecord(
                write.path, kind, None if write.before is None else write.before.encoding,
                befores[write.path], await self._put(after_text),
                ["accepted" if status == "reviewed" else "pending"] * count))
        record = ChangeSetRecord(
            id=change_id, seq=await self._store.next_seq(), created_at=datetime.now(UTC),
            source=source, title=title[:200], status=status, checkpoint_id=checkpoint_id,
            checkpoint_commit=commit, files=files)
        await self._store.add(record)
        return record

    async def _write(self, write: _Write, actor: str) -> FileContent | None:
        """One file from `write.before` (its etag guards the write) to `write.after`."""
        if write.after is None:
            if write.before is not None:
                await self._files.delete(write.path, actor)
            return None
        if write.before is None:
            parent = write.path.rpartition("/")[0]
            if parent and await self._read_dir_missing(parent):
                await self._files.mkdir(parent, actor)
        saved, _created = await self._files.write(write.path, SaveRequest(
            content=write.after, etag=None if write.before is None else write.before.etag,
            encoding=None if write.before is not None else write.encoding), actor)
        return saved

    async def _roll_back(self, done: list[tuple[_Write, FileContent | None]], actor: str) -> None:
        for write, saved in reversed(done):
            back = _Write(write.path, saved, None if write.before is None
                          else write.before.content, write.before.encoding if write.before
                          else None)
            try:
                await self._write(back, actor)
            except Exception:  # noqa: S112 - best effort; the original error is raised
                continue

    # ---- helpers ------------------------------------------------------------------------

    async def _read(self, path: str) -> FileContent | None:
        try:
            return await self._files.read(path)
        except NotFound:
            return None

    async def _read_dir_missing(self, folder: str) -> bool:
        try:
            await self._files.tree(folder)
        except NotFound:
            return True
        return False

    async def _put(self, text: str | None) -> str | None:
        return None if text is None else await asyncio.to_thread(self._shadow.put, text)

    async def _texts(self, file: FileRecord) -> tuple[str | None, str | None]:
        before = None if file.before is None else \
            await asyncio.to_thread(self._shadow.get, file.before)
        after = None if file.after is None else \
            await asyncio.to_thread(self._shadow.get, file.after)
        return before, after

    async def _record_of(self, change_set_id: str) -> ChangeSetRecord:
        record = await self._store.get(change_set_id)
        if record is None:
            raise NotFound(f"No change set {change_set_id}")
        return record

    @staticmethod
    def _file_of(record: ChangeSetRecord, path: str) -> FileRecord:
        found = record.file(path)
        if found is None:
            raise NotFound(f"Change set {record.id} does not change {path}")
        return found

    async def _full(self, record: ChangeSetRecord) -> ChangeSetOut:
        files = []
        for file in record.files:
            before, after = await self._texts(file)
            hunks = [HunkOut(index=h.index, state=h.state, old_start=h.old_start,
                             old_lines=h.old_lines, new_start=h.new_start, new_lines=h.new_lines)
                     for h in placed(before, after, file.states)] \
                if len(spans(before, after)) == len(file.states) else []
            summary = _file_summary(file)
            files.append(ChangeFileOut(**summary.model_dump(), before=before,
                                       after=_state_text(file, before, after, file.states),
                                       hunks=hunks))
        base = _summary(record)
        return ChangeSetOut(**{**base.model_dump(), "files": files})

    async def _announce(self, change_set_id: str | None) -> None:
        if self._events is None:
            return
        files, hunks = _pending(await self._store.listed())
        await self._events.publish(ReviewChanged(pending_files=files, pending_hunks=hunks,
                                                 change_set_id=change_set_id))


# ---- pure helpers ---------------------------------------------------------------------


def _error_out(plan: FilePlan) -> EditErrorOut | None:
    if plan.error is None:
        return None
    closest = plan.error.closest
    return EditErrorOut(
        message=plan.error.message, block=plan.error.block,
        closest=None if closest is None else ClosestRegion(
            start_line=closest.start_line, end_line=closest.end_line, text=closest.text))


def _title(writes: Iterable[_Write]) -> str:
    paths = [w.path for w in writes]
    return paths[0] if len(paths) == 1 else f"{paths[0]} and {len(paths) - 1} more"


def _decided(states: list[HunkState], decision: HunkState, hunk: int | None) -> list[HunkState]:
    if hunk is not None:
        return [decision if i == hunk else s for i, s in enumerate(states)]
    # A whole file or set: what is still pending (an accepted hunk may be rejected one by one).
    return [decision if s == "pending" else s for s in states]


def _state_text(file: FileRecord, before: str | None, after: str | None,
                states: list[HunkState]) -> str | None:
    """What the file holds for these review states (None: no file)."""
    rejected = all(s == "rejected" for s in states)
    if file.status == "created":
        return None if rejected else after
    if file.status == "deleted":
        return before if rejected else None
    return effective(before, after, states)


def _review_of(states: list[HunkState]) -> FileReview:
    kinds = set(states)
    if "pending" in kinds:
        return "pending"
    if kinds == {"accepted"}:
        return "accepted"
    if kinds == {"rejected"}:
        return "rejected"
    return "partial"


def _file_summary(file: FileRecord) -> ChangeFileSummary:
    return ChangeFileSummary(path=file.path, status=file.status,
                             review=_review_of(file.states),
                             pending_hunks=sum(s == "pending" for s in file.states))


def _summary(record: ChangeSetRecord) -> ChangeSetSummary:
    return ChangeSetSummary(
        id=record.id, created_at=_iso(record.created_at), source=record.source,
        title=record.title, status=record.status,
        checkpoint_id=record.checkpoint_id, files=[_file_summary(f) for f in record.files])


def _pending(records: list[ChangeSetRecord]) -> tuple[int, int]:
    files = hunks = 0
    for record in records:
        if record.status != "pending":
            continue
        for file in record.files:
            count = sum(s == "pending" for s in file.states)
            files += count > 0
            hunks += count
    return files, hunks


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:  # SQLite gives back naive datetimes; they were stored as UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()
