"""What a stored change set means now: the text its review states leave in a file, and its
summaries and pending counts as the routes return them (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

from pairpad.changes.hunks import HunkState, effective
from pairpad.changes.models import ChangeFileSummary, ChangeSetSummary, FileReview
from pairpad.changes.store import ChangeSetRecord, FileRecord


def state_text(file: FileRecord, before: str | None, after: str | None,
               states: list[HunkState]) -> str | None:
    """What the file holds for these review states (None: no file)."""
    rejected = all(s == "rejected" for s in states)
    if file.status == "created":
        return None if rejected else after
    if file.status == "deleted":
        return before if rejected else None
    return effective(before, after, states)


def review_of(states: list[HunkState]) -> FileReview:
    kinds = set(states)
    if "pending" in kinds:
        return "pending"
    if kinds == {"accepted"}:
        return "accepted"
    if kinds == {"rejected"}:
        return "rejected"
    return "partial"


def file_summary(file: FileRecord) -> ChangeFileSummary:
    return ChangeFileSummary(path=file.path, status=file.status,
                             review=review_of(file.states),
                             pending_hunks=sum(s == "pending" for s in file.states))


def summary(record: ChangeSetRecord) -> ChangeSetSummary:
    return ChangeSetSummary(
        id=record.id, created_at=iso(record.created_at), source=record.source,
        title=record.title, status=record.status,
        checkpoint_id=record.checkpoint_id, files=[file_summary(f) for f in record.files])


def pending(records: list[ChangeSetRecord]) -> tuple[int, int]:
    files = hunks = 0
    for record in records:
        if record.status != "pending":
            continue
        for file in record.files:
            count = sum(s == "pending" for s in file.states)
            files += count > 0
            hunks += count
    return files, hunks


def iso(moment: datetime) -> str:
    if moment.tzinfo is None:  # SQLite gives back naive datetimes; they were stored as UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()
