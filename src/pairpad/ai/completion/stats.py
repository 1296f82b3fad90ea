"""Acceptance data of inline completion, in SQLite (`completion_events`), local only.

Every answered completion is one event (model, language, latency, cache hit, characters
shown); the editor's feedback says what became of it. Nothing here leaves the machine: the
stats view and tuning read it, no telemetry sends it.

Recording must not slow a completion down (a SQLite commit costs about a millisecond, the
server's whole budget is 3 ms): `record()` only queues the event, and a background flush
writes the queue in one transaction shortly after. Feedback and the stats flush first.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import select

from pairpad.ai.completion.models import Outcome
from pairpad.errors import NotFound
from pairpad.storage.db import Database
from pairpad.storage.owner import Owner
from pairpad.storage.tables import CompletionEventRow

log = structlog.get_logger("pairpad.ai.completion.stats")

# A later report replaces an earlier one only when it says more: a completion shown, then
# partly accepted, then dismissed stays "partial"; "shown" never undoes an accept.
RANK: dict[str, int] = {"shown": 1, "dismissed": 2, "partial": 3, "accepted": 4}
FLUSH_DELAY = 0.5  # seconds an event may wait in memory before it is written
STATS_WINDOW = 100_000  # the most recent events the stats read


@dataclass(frozen=True)
class CompletionEvent:
    id: str
    created_at: datetime
    model: str
    language: str
    latency_ms: float
    cached: bool
    shown_chars: int
    outcome: str | None = None
    accepted_chars: int = 0


def apply_feedback(event: CompletionEvent, outcome: Outcome,
                   accepted_chars: int | None) -> CompletionEvent:
    """The event after one report (see RANK); `accepted` without a count takes all shown."""
    current = RANK.get(event.outcome or "", 0)
    if RANK[outcome] < current:
        return event
    if outcome == "accepted":
        chars = event.shown_chars if accepted_chars is None else accepted_chars
    elif outcome == "partial":
        chars = accepted_chars if accepted_chars is not None else event.accepted_chars
    else:
        chars = event.accepted_chars
    return replace(event, outcome=outcome, accepted_chars=min(chars, event.shown_chars))


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between the closest ranks; None without values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    value = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
    return round(value, 2)


def _group(events: Iterable[CompletionEvent]) -> dict[str, Any]:
    counts = {"shown": 0, "accepted": 0, "partial": 0, "dismissed": 0}
    latencies: list[float] = []
    for event in events:
        if event.outcome is not None:
            counts["shown"] += 1  # every later outcome was shown first
            if event.outcome != "shown":
                counts[event.outcome] += 1
        if not event.cached:
            latencies.append(event.latency_ms)
    taken = counts["accepted"] + counts["partial"]
    rate = round(taken / counts["shown"], 4) if counts["shown"] else None
    return {**counts, "acceptance_rate": rate, "latencies": latencies}


def summarize(events: list[CompletionEvent]) -> dict[str, Any]:
    """`GET /api/complete/stats`: counts, acceptance rate ((accepted + partial) / shown) and
    the latency of model answers (cache hits excluded), overall, by model and by language."""
    overall = _group(events)
    latencies = overall.pop("latencies")

    def by(attribute: str) -> list[dict[str, Any]]:
        groups: dict[str, list[CompletionEvent]] = {}
        for event in events:
            groups.setdefault(getattr(event, attribute), []).append(event)
        rows = []
        for name, members in sorted(groups.items()):
            group = _group(members)
            rows.append({attribute: name, **{k: v for k, v in group.items() if k != "latencies"},
                         "latency_p50": percentile(group["latencies"], 0.5)})
        return rows

    return {"total": len(events), **overall,
            "latency_ms": {"p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95)},
            "by_model": by("model"), "by_language": by("language")}


def _event(row: CompletionEventRow) -> CompletionEvent:
    return CompletionEvent(row.id, row.created_at, row.model, row.language, row.latency_ms,
                           row.cached, row.shown_chars, row.outcome, row.accepted_chars)


class CompletionStats:
    """The store over `completion_events` for one owner in one workspace."""

    def __init__(self, db: Database, owner: Owner, flush_delay: float = FLUSH_DELAY) -> None:
        self.db = db
        self.owner = owner
        self.flush_delay = flush_delay
        self._pending: dict[str, CompletionEvent] = {}
        self._lock = asyncio.Lock()
        self._flusher: asyncio.Task[None] | None = None

    def _mine(self) -> list[Any]:
        return [CompletionEventRow.owner_id == self.owner.owner_id,
                CompletionEventRow.workspace_id == self.owner.workspace_id]

    def record(self, event: CompletionEvent) -> None:
        """Queue an event; written by the background flush (never awaited by a completion)."""
        self._pending[event.id] = event
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(self._flush_later())

    async def _flush_later(self) -> None:
        await asyncio.sleep(self.flush_delay)
        try:
            # Shielded: stop() cancelling this task must not roll back a batch mid-write.
            await asyncio.shield(self.flush())
        except Exception:  # a full disk must not surface as an unhandled task error
            log.exception("completion events not written")

    async def flush(self) -> None:
        async with self._lock:
            batch, self._pending = self._pending, {}
            if not batch:
                return
            async with self.db.session() as session:
                session.add_all(CompletionEventRow(
                    id=e.id, created_at=e.created_at, model=e.model, language=e.language,
                    latency_ms=e.latency_ms, cached=e.cached, outcome=e.outcome,
                    shown_chars=e.shown_chars, accepted_chars=e.accepted_chars,
                    owner_id=self.owner.owner_id, workspace_id=self.owner.workspace_id,
                ) for e in batch.values())

    async def feedback(self, event_id: str, outcome: Outcome, accepted_chars: int | None) -> None:
        async with self._lock:
            pending = self._pending.get(event_id)
            if pending is not None:
                self._pending[event_id] = apply_feedback(pending, outcome, accepted_chars)
                return
            async with self.db.session() as session:
                # Another owner's or workspace's event is unknown here, like a made-up id.
                row = await session.scalar(select(CompletionEventRow).where(
                    CompletionEventRow.id == event_id, *self._mine()))
                if row is None:
                    raise NotFound(f"Unknown completion id {event_id!r}: feedback names the "
                                   "`id` of an answer of POST /api/complete")
                updated = apply_feedback(_event(row), outcome, accepted_chars)
                row.outcome, row.accepted_chars = updated.outcome, updated.accepted_chars

    async def events(self) -> list[CompletionEvent]:
        await self.flush()
        async with self.db.session() as session:
            rows = (await session.scalars(
                select(CompletionEventRow).where(*self._mine())
                .order_by(CompletionEventRow.created_at.desc())
                .limit(STATS_WINDOW))).all()
        return [_event(row) for row in rows]

    async def summary(self) -> dict[str, Any]:
        return summarize(await self.events())

    async def stop(self) -> None:
        if self._flusher is not None and not self._flusher.done():
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher
        try:
            await self.flush()
        except Exception:
            log.exception("completion events not written at shutdown")
