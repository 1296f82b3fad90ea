"""The hash chain: an event's canonical form and its hash.

hash = sha256(prev_hash + canonical JSON of the event's fields), hex. The canonical JSON has
sorted keys, no spaces, and times in UTC ISO 8601 with microseconds, so the same row gives
the same bytes on SQLite and PostgreSQL and after any round trip through the database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS = "0" * 64  # the prev_hash of the first event (revision 0011 starts the head with it)

Detail = str | int | bool | None


def as_utc(moment: datetime) -> datetime:
    """A stored time as aware UTC (SQLite gives back naive values, written as UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True)
class AuditEvent:
    id: int
    created_at: datetime
    actor: str  # a user id, or "anonymous" (e.g. a failed sign-in for an unknown email)
    action: str  # auth.login, team.role_changed, authz.denied …
    target: str  # "user:<id>", "team:<id>", "workspace:<id>" …
    details: Mapping[str, object]
    prev_hash: str
    hash: str


def canonical(event_id: int, created_at: datetime, actor: str, action: str, target: str,
              details: Mapping[str, object]) -> str:
    fields = {"id": event_id,
              "created_at": as_utc(created_at).isoformat(timespec="microseconds"),
              "actor": actor, "action": action, "target": target, "details": dict(details)}
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, canonical_json: str) -> str:
    return hashlib.sha256((prev_hash + canonical_json).encode()).hexdigest()


def expected_hash(event: AuditEvent) -> str:
    """What `event.hash` must be for its fields and its prev_hash."""
    return chain_hash(event.prev_hash, canonical(event.id, event.created_at, event.actor,
                                                 event.action, event.target, event.details))
