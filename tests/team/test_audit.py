"""The audit trail (pairpad.audit) on SQLite and PostgreSQL: the hash chain verifies; an
edited, deleted, reordered or truncated row is named by `verify` and by
`pairpad audit verify`; concurrent writers (two processes) keep one valid chain."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from structlog.testing import capture_logs

from pairpad.audit.chain import GENESIS
from pairpad.audit.trail import AuditFilter, AuditTrail
from pairpad.storage.db import Database
from pairpad.telemetry.metrics import AUDIT_EVENTS
from tests.support.team_db import DATABASES


@pytest.fixture(params=DATABASES)
async def own_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A database of this test alone (tampering would break anybody else's chain)."""
    if request.param == "sqlite":
        db = Database.for_sqlite_file(tmp_path / "audit.sqlite3")
    else:
        db = Database(request.getfixturevalue("pg_url"))
    try:
        await db.migrate()
        yield db
    finally:
        await db.dispose()


async def five_events(trail: AuditTrail) -> None:
    for number in range(1, 6):
        await trail.record(f"user{number}", "auth.login", f"user:user{number}",
                           {"email": f"u{number}@example.com", "n": number})


async def sql(db: Database, statement: str, **params: object) -> None:
    async with db.session() as session:
        await session.execute(text(statement), params)


async def test_chain_verifies_and_links(own_db: Database) -> None:
    trail = AuditTrail(own_db)
    empty = await trail.verify()
    assert empty.intact and empty.count == 0 and empty.head_hash == GENESIS
    before = AUDIT_EVENTS.labels(action="auth.login")._value.get()
    with capture_logs() as logs:
        await five_events(trail)
    verdict = await trail.verify()
    assert verdict.intact, verdict.problem
    assert verdict.count == 5
    events = await trail.list(AuditFilter())
    assert [event.id for event in events] == [5, 4, 3, 2, 1]  # newest first
    assert events[-1].prev_hash == GENESIS
    assert all(newer.prev_hash == older.hash for newer, older in zip(events, events[1:]))
    assert verdict.head_hash == events[0].hash
    assert verdict.summary() == f"audit trail intact: 5 events, head {events[0].hash}"
    assert AUDIT_EVENTS.labels(action="auth.login")._value.get() == before + 5
    logged = [entry for entry in logs if entry["event"] == "audit_event"]
    assert [(entry["audit_id"], entry["hash"]) for entry in logged] == [
        (event.id, event.hash) for event in reversed(events)]


async def test_details_with_a_secret_key_are_refused(own_db: Database) -> None:
    with pytest.raises(ValueError, match="secrets"):
        await AuditTrail(own_db).record("u", "auth.login", "user:u", {"password": "x"})
    assert (await AuditTrail(own_db).verify()).count == 0


@pytest.mark.parametrize(("column", "value"), [
    ("actor", "'mallory'"), ("action", "'auth.logout'"), ("target", "'user:other'"),
    ("details", """'{"email": "other@example.com", "n": 3}'"""),
    ("created_at", "created_at - INTERVAL '1 second'"),
    ("prev_hash", "'" + "1" * 64 + "'"), ("hash", "'" + "2" * 64 + "'"),
])
async def test_an_edited_middle_row_is_named(own_db: Database, column: str, value: str
                                             ) -> None:
    await five_events(AuditTrail(own_db))
    if own_db.is_sqlite and column == "created_at":
        value = "'2020-01-01 00:00:00.000000'"
    await sql(own_db, f"UPDATE audit_events SET {column} = {value} WHERE id = 3")
    verdict = await AuditTrail(own_db).verify()
    assert verdict.problem is not None and verdict.problem.row_id == 3, verdict.problem
    assert verdict.count == 2
    expected = "prev_hash" if column == "prev_hash" else "edited"
    assert expected in verdict.problem.what
    assert str(verdict.problem).startswith("audit_events row 3: ")


async def test_a_deleted_middle_row_is_named(own_db: Database) -> None:
    await five_events(AuditTrail(own_db))
    await sql(own_db, "DELETE FROM audit_events WHERE id = 3")
    problem = (await AuditTrail(own_db).verify()).problem
    assert problem is not None and problem.row_id == 4
    assert "deleted" in problem.what and problem.expected == "id 3"


async def test_a_middle_row_deleted_and_the_ids_closed_up_is_named(own_db: Database) -> None:
    await five_events(AuditTrail(own_db))
    await sql(own_db, "DELETE FROM audit_events WHERE id = 3")
    await sql(own_db, "UPDATE audit_events SET id = id - 1 WHERE id > 3")
    problem = (await AuditTrail(own_db).verify()).problem
    assert problem is not None and problem.row_id == 3 and "prev_hash" in problem.what


async def test_deleting_the_last_row_is_detected_by_the_head(own_db: Database) -> None:
    await five_events(AuditTrail(own_db))
    await sql(own_db, "DELETE FROM audit_events WHERE id = 5")
    verdict = await AuditTrail(own_db).verify()
    assert verdict.problem is not None and verdict.problem.row_id == 5
    assert "missing" in verdict.problem.what and verdict.count == 4


async def test_a_deleted_head_record_is_detected(own_db: Database) -> None:
    await five_events(AuditTrail(own_db))
    await sql(own_db, "DELETE FROM audit_head")
    problem = (await AuditTrail(own_db).verify()).problem
    assert problem is not None and "head record" in problem.what


async def test_swapped_ids_reorder_is_named(own_db: Database) -> None:
    await five_events(AuditTrail(own_db))
    await sql(own_db, "UPDATE audit_events SET id = -1 WHERE id = 2")
    await sql(own_db, "UPDATE audit_events SET id = 2 WHERE id = 3")
    await sql(own_db, "UPDATE audit_events SET id = 3 WHERE id = -1")
    problem = (await AuditTrail(own_db).verify()).problem
    assert problem is not None and problem.row_id == 2 and "reordered" in problem.what


async def test_filters_and_pages(own_db: Database) -> None:
    trail = AuditTrail(own_db)
    await five_events(trail)
    await trail.record("user2", "auth.logout", "user:user2")
    assert [e.id for e in await trail.list(AuditFilter(actor="user2"))] == [6, 2]
    assert [e.id for e in await trail.list(AuditFilter(action="auth.logout"))] == [6]
    assert [e.id for e in await trail.list(AuditFilter(target="user:user4"))] == [4]
    assert [e.id for e in await trail.list(AuditFilter(limit=2))] == [6, 5]
    assert [e.id for e in await trail.list(AuditFilter(before_id=5, limit=2))] == [4, 3]
    third = (await trail.list(AuditFilter(target="user:user3")))[0].created_at
    assert [e.id for e in await trail.list(AuditFilter(since=third))] == [6, 5, 4, 3]
    assert [e.id for e in await trail.list(AuditFilter(until=third))] == [2, 1]


WRITER = textwrap.dedent("""
    import asyncio, sys
    from pairpad.audit.trail import AuditTrail
    from pairpad.storage.db import Database

    async def main(url, name, count):
        db = Database.for_url(url)
        trail = AuditTrail(db)
        await asyncio.gather(*(trail.record(name, "auth.login", f"user:{name}", {"n": n})
                               for n in range(count)))
        await db.dispose()

    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
""")


async def test_two_processes_writing_at_once_keep_one_chain(own_db: Database) -> None:
    """Two instances (processes), each with several writers at once: no id is taken twice
    and every event links to the one written before it."""
    count = 15
    writers = [await asyncio.create_subprocess_exec(
        sys.executable, "-c", WRITER, own_db.url, name, str(count),
        stderr=asyncio.subprocess.PIPE) for name in ("a", "b")]
    results = await asyncio.gather(*(writer.communicate() for writer in writers))
    for writer, (_, err) in zip(writers, results):
        assert writer.returncode == 0, err.decode()
    verdict = await AuditTrail(own_db).verify()
    assert verdict.intact, verdict.problem
    assert verdict.count == 2 * count
    events = await AuditTrail(own_db).list(AuditFilter(limit=100))
    assert {e.actor for e in events} == {"a", "b"}
    times = [e.created_at for e in reversed(events)]
    assert times == sorted(times)  # written under the lock: times follow the ids


# -- the command ---------------------------------------------------------------------------


def run_verify(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pairpad", "audit", "verify", "--database-url", url],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "PAIRPAD_DATABASE_URL": ""})


async def test_cli_intact_and_broken(own_db: Database) -> None:
    await five_events(AuditTrail(own_db))
    head = (await AuditTrail(own_db).verify()).head_hash
    intact = await asyncio.to_thread(run_verify, own_db.url)
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.strip() == f"audit trail intact: 5 events, head {head}"
    await sql(own_db, "UPDATE audit_events SET actor = 'mallory' WHERE id = 4")
    broken = await asyncio.to_thread(run_verify, own_db.url)
    assert broken.returncode == 1 and broken.stdout == ""
    first = broken.stderr.splitlines()[0]
    assert first.startswith("audit_events row 4: hash does not match the row's fields")
    assert "(expected " in first and ", found " in first


def test_cli_bad_url_and_unreachable_database(tmp_path: Path) -> None:
    bad = run_verify("mysql://nobody@localhost/x")
    assert bad.returncode == 2 and "bad --database-url" in bad.stderr
    down = run_verify("postgresql+asyncpg://pairpad:s3cret@127.0.0.1:1/pairpad")
    assert down.returncode == 2
    assert "cannot read the database at postgresql+asyncpg://pairpad:***@127.0.0.1:1" in (
        down.stderr)
    assert "s3cret" not in down.stderr
    empty = run_verify(f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}")
    assert empty.returncode == 2 and "no audit trail yet" in empty.stderr
