"""Between the audit tables and the chain's events."""

from __future__ import annotations

from pairpad.audit.chain import AuditEvent, as_utc
from pairpad.storage.team_tables import AuditEventRow

HEAD_ID = 1  # the one row of audit_head


def event_of(row: AuditEventRow) -> AuditEvent:
    return AuditEvent(row.id, as_utc(row.created_at), row.actor, row.action, row.target,
                      dict(row.details), row.prev_hash, row.hash)
