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

from pairpad.changes.hunks import HunkState, placed, spans, unified
from pairpad.changes.io import ChangeIo, Write, Written
from pairpad.changes.merge3 import merge3
from pairpad.changes.models import (
    ApplyRequest,
    ApplyResult,
    ChangeFileOut,
    ChangeSetList,
    ChangeSetOut,
    CheckpointList,
    CheckpointOut,
    ClosestRegion,
    EditErrorOut,
    EditRequest,
    HunkOut,
    Preview,
    PreviewFile,
    RestoredFile,
    RestoreResult,
)
from pairpad.changes.shadow import ShadowRepo
from pairpad.changes.steps import (
    StepResult,
    StepWrite,
    extend,
    first_step_since,
    left_of,
    step_files,
    targets_from,
    truncate,
    undone,
)
from pairpad.changes.store import ChangeSetRecord, ChangeSetStore, FileRecord, StepRecord
from pairpad.changes.views import file_summary, iso, pending, state_text, summary
from pairpad.edits import EditParseError, EditPlan, FilePlan, parse_edits, plan_edits
from pairpad.edits.paths import problem as path_problem
from pairpad.errors import BadRequest, Conflict, Forbidden, NotFound, Unprocessable
from pairpad.events.bus import Publish
from pairpad.events.models import ReviewChanged
from pairpad.workspace.files import FileService
from pairpad.workspace.models import Encoding, FileContent
from pairpad.workspace.names import is_git_dir_name
from pairpad.workspace.protected import is_control_path

_CHANGED = ("modified", "created", "deleted")


@dataclass
class _Planned:
    plan: EditPlan
    format: str
    reads: dict[str, FileContent | None]  # what the plan was made from (None: no file)


class ChangeService:
    def __init__(self, files: FileService, store: ChangeSetStore, shadow: ShadowRepo,
                 events: Publish | None = None,
                 is_control: Callable[[str], bool] = is_control_path) -> None:
        self._io = ChangeIo(files, shadow)
        self._store = store
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
            self._check_control([f.path for f in changed], request.allow_control)
            writes = [Write(f.path, planned.reads[f.path], f.after) for f in changed]
            record, _ = await self._record(writes, request.source,
                                           request.title or _title(writes), actor=actor)
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
            reads[edits.path] = await self._io.read(edits.path)

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

    def _check_control(self, paths: list[str], allowed: bool) -> None:
        inside_git = [p for p in paths if any(is_git_dir_name(part) for part in p.split("/"))]
        if inside_git:
            raise Forbidden(f"Refusing to change {', '.join(inside_git)}: files inside .git "
                            "are managed by git")
        control = [p for p in paths if self._is_control(p)]
        if control and not allowed:
            raise Forbidden(
                f"The change touches control files ({', '.join(control)}): they steer the "
                "editor, git or AI agents. Review them and apply again with allow_control.",
                paths=control)

    # ---- an agent run's steps ---------------------------------------------------------

    async def apply_step(self, writes: list[StepWrite], *, change_set_id: str | None,
                         title: str, step_title: str, actor: str, allow_control: bool = False,
                         source: str = "agent") -> StepResult:
        """Writes one step of an agent run, all or nothing, with a checkpoint before it, into
        the run's change set: a new set (titled `title`) when `change_set_id` is None or
        names a set a restore undid, else that set grows (steps.py). A file that is no longer
        `base` is a 409; a write of what the file already holds is skipped (all of them: no
        checkpoint, the set's latest ids)."""
        async with self._lock:
            paths = [w.path for w in writes]
            twice = sorted({p for p in paths if paths.count(p) > 1})
            if twice:
                raise BadRequest(f"A step writes each file once; given twice: {', '.join(twice)}")
            self._check_control(paths, allow_control)
            record = None if change_set_id is None else await self._record_of(change_set_id)
            if record is not None and record.status == "reverted":
                record = None  # a restore undid the run's changes: later steps start afresh
            reads = {p: await self._io.read(p) for p in paths}
            changed = [Write(w.path, reads[w.path], w.after) for w in writes
                       if w.after != _text(reads[w.path])]  # else already so: a no-op
            for write in changed:
                if write.before_text != next(w.base for w in writes if w.path == write.path):
                    raise Conflict(f"{write.path} changed since the agent read it; read it again",
                                   path=write.path)
            if not changed:
                return StepResult(None if record is None else record.id,
                                  None if record is None else record.steps[-1].checkpoint_id, [])
            if record is None:
                record, done = await self._record(changed, source, title, actor=actor,
                                                  step_title=step_title)
            else:
                done = await self._step(record, changed, step_title, actor)
        await self._announce(record.id)
        return StepResult(record.id, record.steps[-1].checkpoint_id, step_files(done))

    async def _step(self, record: ChangeSetRecord, writes: list[Write], title: str,
                    actor: str) -> Written:
        checkpoint_id = _new_checkpoint_id()
        befores = {w.path: await self._io.put(w.before_text) for w in writes}
        commit = await self._io.snapshot(
            checkpoint_id, befores, f"Checkpoint {checkpoint_id} before step "
            f"{len(record.steps) + 1} of change set {record.id} ({record.source}): {title}")
        done = await self._io.write_all(writes, actor)
        await extend(self._io, record, done, StepRecord(
            checkpoint_id, commit, datetime.now(UTC), title[:200], [w.path for w in writes],
            befores))
        await self._store.save(record)
        return done

    # ---- change sets and review -------------------------------------------------------

    async def change_sets(self, *, pending_only: bool) -> ChangeSetList:
        records = await self._store.listed()
        shown = [r for r in records if r.status == "pending" or not pending_only]
        files, hunks = pending(records)
        return ChangeSetList(change_sets=[summary(r) for r in shown],
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
        before, after = await self._io.texts(file)
        expected = state_text(file, before, after, file.states)
        wanted = state_text(file, before, after, states)
        current = await self._io.read(file.path)
        now = _text(current)
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
        await self._io.write(Write(file.path, current, result, encoding), f"review:{record.id}")

    # ---- checkpoints ------------------------------------------------------------------

    async def checkpoints(self) -> CheckpointList:
        """One per step of every set (a set written at once has one), newest first."""
        entries = [(step, r) for r in await self._store.listed() for step in r.steps]
        entries.sort(key=lambda e: (e[0].created_at, e[1].seq), reverse=True)
        return CheckpointList(checkpoints=[CheckpointOut(
            id=step.checkpoint_id, created_at=iso(step.created_at), source=r.source,
            title=step.title, files=list(step.files), change_set_id=r.id)
            for step, r in entries])

    async def restore(self, checkpoint_id: str) -> RestoreResult:
        """Undoes every change made from this checkpoint on — whole sets started since, and
        the later steps of a set that grew across it — newest first, each merged with the
        user's edits since; all or nothing, and itself a change set with a checkpoint."""
        async with self._lock:
            target = await self._store.by_checkpoint(checkpoint_id)
            if target is None:
                raise NotFound(f"No checkpoint {checkpoint_id}")
            step = target.steps[target.step_index(checkpoint_id) or 0]
            plan: list[tuple[ChangeSetRecord, int]] = []
            for record in await self._store.listed(limit=10_000):
                k = target.step_index(checkpoint_id) if record.id == target.id else \
                    first_step_since(record, step.created_at)
                if k is not None:
                    plan.append((record, k))
            # Newest first by each set's last step: a run's later step may build on a set
            # applied between its steps, so the run's changes come out first.
            plan.sort(key=lambda p: (p[0].steps[-1].created_at, p[0].seq), reverse=True)
            reads: dict[str, FileContent | None] = {}
            texts: dict[str, str | None] = {}
            moved: dict[str, dict[str, tuple[str | None, str | None]]] = {}
            conflicts: list[dict[str, str]] = []
            for record, k in plan:  # newest first
                for path, blob in targets_from(record, k).items():
                    if path not in reads:
                        reads[path] = await self._io.read(path)
                        texts[path] = _text(reads[path])
                    now, left = texts[path], await left_of(self._io, record, path)
                    texts[path], problem = await asyncio.to_thread(
                        undone, now, left, await self._io.get(blob))
                    moved.setdefault(record.id, {})[path] = (now, texts[path])
                    if problem:
                        conflicts.append({"path": path, "message": problem})
            if conflicts:
                raise Conflict(
                    "Restoring would overwrite your own edits where they overlap the AI's "
                    "changes; nothing was restored. Conflicts: " +
                    "; ".join(f"{c['path']}: {c['message']}" for c in conflicts),
                    conflicts=conflicts)
            writes = [Write(path, reads[path], text) for path, text in texts.items()
                      if text != _text(reads[path])]
            result = RestoreResult(checkpoint_id=None, change_set_id=None, files=[])
            if writes:
                record, _ = await self._record(
                    writes, "restore", f"Restore of “{step.title}”", status="reviewed")
                result = RestoreResult(
                    checkpoint_id=record.checkpoint_id, change_set_id=record.id,
                    files=[RestoredFile(path=f.path, status=f.status)
                           for f in record.files])
            for record, k in plan:
                if k == 0:
                    record.status = "reverted"
                else:  # the set now ends before step k; steps k.. become a reverted set
                    await self._store.add(await truncate(
                        self._io, record, k, moved.get(record.id, {}), uuid.uuid4().hex[:16]))
                await self._store.save(record)
        await self._announce(result.change_set_id)
        return result

    # ---- writing a change set ---------------------------------------------------------

    async def _record(self, writes: list[Write], source: str, title: str, *,
                      status: str = "pending", actor: str | None = None,
                      step_title: str | None = None) -> tuple[ChangeSetRecord, Written]:
        """Snapshots the files, writes them (rolled back if one fails), stores the set."""
        change_id = uuid.uuid4().hex[:16]
        checkpoint_id = _new_checkpoint_id()
        befores = {w.path: await self._io.put(w.before_text) for w in writes}
        commit = await self._io.snapshot(
            checkpoint_id, befores,
            f"Checkpoint {checkpoint_id} before change set {change_id} ({source}): {title}")
        done = await self._io.write_all(writes, actor or f"ai:{change_id}")
        files = []
        for write, saved in done:
            after_text = None if saved is None else saved.content
            kind = "created" if write.before is None else "deleted" if saved is None \
                else "modified"
            count = len(spans(write.before_text, after_text)) or 1
            files.append(FileRecord(
                write.path, kind, None if write.before is None else write.before.encoding,
                befores[write.path], await self._io.put(after_text),
                ["accepted" if status == "reviewed" else "pending"] * count))
        created_at = datetime.now(UTC)
        record = ChangeSetRecord(
            id=change_id, seq=await self._store.next_seq(), created_at=created_at,
            source=source, title=title[:200], status=status, checkpoint_id=checkpoint_id,
            checkpoint_commit=commit, files=files, steps=[StepRecord(
                checkpoint_id, commit, created_at, (step_title or title)[:200],
                [w.path for w in writes], befores)])
        await self._store.add(record)
        return record, done

    # ---- helpers ------------------------------------------------------------------------

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
            before, after = await self._io.texts(file)
            hunks = [HunkOut(index=h.index, state=h.state, old_start=h.old_start,
                             old_lines=h.old_lines, new_start=h.new_start, new_lines=h.new_lines)
                     for h in placed(before, after, file.states)] \
                if len(spans(before, after)) == len(file.states) else []
            files.append(ChangeFileOut(**file_summary(file).model_dump(), before=before,
                                       after=state_text(file, before, after, file.states),
                                       hunks=hunks))
        return ChangeSetOut(**{**summary(record).model_dump(), "files": files})

    async def _announce(self, change_set_id: str | None) -> None:
        if self._events is None:
            return
        files, hunks = pending(await self._store.listed())
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


def _title(writes: Iterable[Write]) -> str:
    paths = [w.path for w in writes]
    return paths[0] if len(paths) == 1 else f"{paths[0]} and {len(paths) - 1} more"


def _decided(states: list[HunkState], decision: HunkState, hunk: int | None) -> list[HunkState]:
    if hunk is not None:
        return [decision if i == hunk else s for i, s in enumerate(states)]
    # A whole file or set: what is still pending (an accepted hunk may be rejected one by one).
    return [decision if s == "pending" else s for s in states]


def _text(found: FileContent | None) -> str | None:
    return None if found is None else found.content


def _new_checkpoint_id() -> str:
    return "cp" + uuid.uuid4().hex[:14]
