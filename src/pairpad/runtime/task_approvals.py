"""Which workspace config tasks the user approved: `task_approvals` in the user's database.

An approval names the task and the SHA-256 of the exact argv the user saw; the workspace
file can change that argv at any time (a `git pull`), and a changed one is not approved.
Only the authenticated HTTP route writes here (`POST /api/tasks/approve`): the agent and
the workspace have no way to approve.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select

from pairpad.storage.db import Database
from pairpad.storage.owner import Owner
from pairpad.storage.tables import TaskApprovalRow


def argv_digest(argv: Sequence[str]) -> str:
    return hashlib.sha256(json.dumps(list(argv), ensure_ascii=False).encode()).hexdigest()


class TaskApprovals:
    def __init__(self, db: Database, owner: Owner) -> None:
        self._db = db
        self._owner = owner

    async def approved(self) -> dict[str, str]:
        """Task name -> the approved argv's digest, for this owner and workspace."""
        async with self._db.session() as session:
            rows = await session.scalars(select(TaskApprovalRow).where(
                TaskApprovalRow.owner_id == self._owner.owner_id,
                TaskApprovalRow.workspace_id == self._owner.workspace_id))
            return {row.name: row.argv_sha256 for row in rows}

    async def is_approved(self, name: str, argv: Sequence[str]) -> bool:
        return (await self.approved()).get(name) == argv_digest(argv)

    async def approve(self, name: str, argv: Sequence[str]) -> None:
        """Records (replacing an earlier approval of this name) that `argv` may run."""
        async with self._db.session() as session:
            row = await session.get(TaskApprovalRow, (self._owner.owner_id,
                                                      self._owner.workspace_id, name))
            if row is None:
                row = TaskApprovalRow(owner_id=self._owner.owner_id,
                                      workspace_id=self._owner.workspace_id, name=name)
                session.add(row)
            row.argv_sha256 = argv_digest(argv)
            row.approved_at = datetime.now(UTC)
