"""The audit sink of one team workspace: every event it records targets the workspace."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pairpad.audit.chain import Detail
from pairpad.audit.trail import AuditSink


@dataclass(frozen=True)
class WorkspaceAudit:
    sink: AuditSink
    workspace_id: str

    @property
    def target(self) -> str:
        return f"workspace:{self.workspace_id}"

    async def record(self, actor: str, action: str,
                     details: Mapping[str, Detail] | None = None) -> None:
        await self.sink.record(actor, action, self.target, details)
