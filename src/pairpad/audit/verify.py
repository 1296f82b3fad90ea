"""Checks the whole chain, oldest first, and names the first row that breaks it.

What it finds: an edited row (its hash does not match its fields), a deleted or reordered
row (a gap in the ids, or a prev_hash that is not the previous row's hash), rows deleted at
the end or added outside the trail (the head row disagrees with the last row). What no
chain can find: someone with write access who recomputes every hash and the head — the
copy of each event's hash in the logs is the check against that.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from pairpad.audit.chain import GENESIS, expected_hash
from pairpad.audit.rows import HEAD_ID, event_of
from pairpad.storage.db import Database
from pairpad.storage.team_tables import AuditEventRow, AuditHeadRow

PAGE = 1000  # rows read per query: memory stays flat on a long trail


@dataclass(frozen=True)
class Problem:
    row_id: int  # the first bad row (for a truncated chain: the first missing one)
    what: str
    expected: str
    found: str

    def __str__(self) -> str:
        return (f"audit_events row {self.row_id}: {self.what} "
                f"(expected {self.expected}, found {self.found})")


@dataclass(frozen=True)
class Verdict:
    count: int  # rows checked (up to the first problem)
    head_hash: str  # the last good row's hash (GENESIS for an empty trail)
    problem: Problem | None

    @property
    def intact(self) -> bool:
        return self.problem is None

    def summary(self) -> str:
        return f"audit trail intact: {self.count} events, head {self.head_hash}"


async def verify_chain(db: Database) -> Verdict:
    count, last_id, last_hash = 0, 0, GENESIS
    async with db.session() as session:
        while True:
            rows = (await session.scalars(
                select(AuditEventRow).where(AuditEventRow.id > last_id)
                .order_by(AuditEventRow.id).limit(PAGE))).all()
            for row in rows:
                event = event_of(row)
                problem = _link_problem(event.id, event.prev_hash, last_id, last_hash)
                if problem is None and event.hash != expected_hash(event):
                    problem = Problem(event.id, "hash does not match the row's fields (the "
                                      "row was edited)", expected_hash(event), event.hash)
                if problem is not None:
                    return Verdict(count, last_hash, problem)
                count, last_id, last_hash = count + 1, event.id, event.hash
            if len(rows) < PAGE:
                break
        head = (await session.execute(select(AuditHeadRow.last_id, AuditHeadRow.last_hash)
                                      .where(AuditHeadRow.id == HEAD_ID))).first()
    recorded = None if head is None else (int(head.last_id), str(head.last_hash))
    return Verdict(count, last_hash, _head_problem(recorded, last_id, last_hash))


def _link_problem(row_id: int, prev_hash: str, last_id: int, last_hash: str
                  ) -> Problem | None:
    if row_id != last_id + 1:
        return Problem(row_id, f"ids jump from {last_id} to {row_id}: rows were deleted or "
                       "reordered", f"id {last_id + 1}", f"id {row_id}")
    if prev_hash != last_hash:
        before = f"row {last_id}'s hash" if last_id else "the genesis hash"
        return Problem(row_id, f"prev_hash is not {before}: a row before it was deleted, "
                       "reordered or rewritten", last_hash, prev_hash)
    return None


def _head_problem(head: tuple[int, str] | None, last_id: int, last_hash: str
                  ) -> Problem | None:
    if head is None:
        return Problem(last_id + 1, "the head record (audit_head) is missing",
                       "a head row", "none")
    head_id, head_hash = head
    if head_id > last_id:
        return Problem(last_id + 1, f"missing: the head record says the trail ends at row "
                       f"{head_id}, so the last rows were deleted",
                       f"last row {head_id} with hash {head_hash}",
                       f"last row {last_id} with hash {last_hash}")
    if head_id < last_id or head_hash != last_hash:
        return Problem(head_id + 1 if head_id < last_id else last_id,
                       "the head record does not match the last row (rows written outside "
                       "the trail, or the head was edited)",
                       f"last row {head_id} with hash {head_hash}",
                       f"last row {last_id} with hash {last_hash}")
    return None
