"""Acceptance stats: feedback ordering, aggregation, and the store over completion_events."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pairpad.ai.completion.stats import (
    CompletionEvent,
    CompletionStats,
    apply_feedback,
    percentile,
    summarize,
)
from pairpad.errors import NotFound
from pairpad.storage.db import Database
from pairpad.storage.owner import Owner


def event(id: str, model: str = "local:m", language: str = "python", latency: float = 100.0,
          cached: bool = False, shown: int = 10, outcome: str | None = None,
          accepted: int = 0) -> CompletionEvent:
    return CompletionEvent(id, datetime.now(UTC), model, language, latency, cached, shown,
                           outcome, accepted)


def test_feedback_only_moves_forward() -> None:
    e = event("a", shown=12)
    e = apply_feedback(e, "shown", None)
    assert (e.outcome, e.accepted_chars) == ("shown", 0)
    e = apply_feedback(e, "partial", 4)
    assert (e.outcome, e.accepted_chars) == ("partial", 4)
    e = apply_feedback(e, "dismissed", None)  # after a partial accept: still partial
    assert (e.outcome, e.accepted_chars) == ("partial", 4)
    e = apply_feedback(e, "accepted", None)  # the rest with Tab: all of it
    assert (e.outcome, e.accepted_chars) == ("accepted", 12)
    e = apply_feedback(e, "shown", None)  # a late "shown" never undoes an accept
    assert e.outcome == "accepted"


def test_accepted_chars_never_exceed_what_was_shown() -> None:
    assert apply_feedback(event("a", shown=5), "partial", 50).accepted_chars == 5


def test_percentile_interpolates() -> None:
    assert percentile([], 0.5) is None
    assert percentile([7.0], 0.95) == 7.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile([float(i) for i in range(1, 101)], 0.95) == 95.05


def test_summarize_counts_rates_and_groups() -> None:
    events = [
        event("1", outcome="accepted", latency=100),
        event("2", outcome="partial", latency=200),
        event("3", outcome="dismissed", latency=300),
        event("4", outcome="shown", latency=400, language="typescript"),
        event("5", outcome=None, latency=500, model="ollama:q"),  # never shown
        event("6", outcome="accepted", latency=1, cached=True),  # a cache hit
    ]
    stats = summarize(events)
    assert stats["total"] == 6
    assert (stats["shown"], stats["accepted"], stats["partial"], stats["dismissed"]) == (
        5, 2, 1, 1)
    assert stats["acceptance_rate"] == 0.6  # (accepted + partial) / shown
    # Latency of the model's answers only: the cache hit's 1 ms is not a model latency.
    assert stats["latency_ms"] == {"p50": 300.0, "p95": 480.0}
    by_model = {row["model"]: row for row in stats["by_model"]}
    assert by_model["ollama:q"]["shown"] == 0
    assert by_model["ollama:q"]["acceptance_rate"] is None
    assert by_model["local:m"]["accepted"] == 2
    by_language = {row["language"]: row for row in stats["by_language"]}
    assert by_language["typescript"] == {
        "language": "typescript", "shown": 1, "accepted": 0, "partial": 0, "dismissed": 0,
        "acceptance_rate": 0.0, "latency_p50": 400.0}


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database.for_sqlite_file(tmp_path / "pairpad.sqlite3")
    await database.migrate()
    yield database
    await database.dispose()


async def test_store_writes_in_the_background_and_applies_feedback(
    db: Database, tmp_path: Path
) -> None:
    owner = Owner.local(tmp_path / "ws")
    store = CompletionStats(db, owner, flush_delay=60)  # no background flush in this test
    store.record(event("a", shown=8))
    store.record(event("b", shown=3))
    with sqlite3.connect(tmp_path / "pairpad.sqlite3") as raw:
        assert raw.execute("SELECT count(*) FROM completion_events").fetchone() == (0,)
    await store.feedback("a", "shown", None)  # still queued: updated in memory
    await store.flush()
    await store.feedback("a", "accepted", None)  # written: updated in the database
    with sqlite3.connect(tmp_path / "pairpad.sqlite3") as raw:
        rows = raw.execute("SELECT id, outcome, accepted_chars, owner_id, workspace_id "
                           "FROM completion_events ORDER BY id").fetchall()
    assert rows == [("a", "accepted", 8, "local", owner.workspace_id),
                    ("b", None, 0, "local", owner.workspace_id)]
    with pytest.raises(NotFound, match="Unknown completion id"):
        await store.feedback("nope", "shown", None)
    summary = await store.summary()
    assert (summary["total"], summary["shown"], summary["accepted"]) == (2, 1, 1)
    # Another workspace's stats do not include these.
    other = CompletionStats(db, Owner.local(tmp_path / "other"))
    assert (await other.summary())["total"] == 0
    await store.stop()
    await other.stop()


async def test_stop_writes_what_is_queued(db: Database, tmp_path: Path) -> None:
    store = CompletionStats(db, Owner.local(tmp_path / "ws"), flush_delay=60)
    store.record(event("late"))
    await store.stop()
    with sqlite3.connect(tmp_path / "pairpad.sqlite3") as raw:
        assert raw.execute("SELECT id FROM completion_events").fetchall() == [("late",)]
