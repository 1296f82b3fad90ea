"""The audit trail (pairpad.audit) on SQLite and PostgreSQL: the hash chain verifies; an
edited, deleted, reordered or truncated row is named by `verify` and by
`pairpad audit verify`; concurrent writers (two processes) keep one valid chain."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from structlog.testing import capture_logs

from pairpad.accounts.settings import TeamSettings
from pairpad.audit.chain import GENESIS, AuditEvent
from pairpad.audit.trail import AuditFilter, AuditTrail
from pairpad.config import Settings
from pairpad.runtime.task_detect import CONFIG_FILE
from pairpad.storage.db import Database
from pairpad.team.app import TeamApp, create_team_app
from pairpad.telemetry.metrics import AUDIT_EVENTS
from tests.support.team_db import DATABASES, unique_email


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
    assert all(newer.prev_hash == older.hash for newer, older in itertools.pairwise(events))
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
    await sql(own_db, f"UPDATE audit_events SET {column} = {value} WHERE id = 3")  # noqa: S608
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
    for writer, (_, err) in zip(writers, results, strict=True):
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


# -- the recording points and the admin view, through the real team app --------------------

PASSWORD = "correct horse battery staple 42"
HOST = {"Host": "127.0.0.1"}  # one of the hosts the team app allows


@dataclass
class Team:
    http: httpx.AsyncClient
    app: TeamApp
    trail: AuditTrail

    async def register(self, email: str) -> tuple[str, dict[str, Any]]:
        """A new account through the API; its id and its sign-in's tokens."""
        made = await self.http.post("/api/auth/register",
                                    json={"email": email, "password": PASSWORD})
        assert made.status_code == 201, made.text
        tokens = await self.login(email)
        me = await self.http.get("/api/auth/me", headers=bearer(tokens))
        return str(me.json()["id"]), tokens

    async def login(self, email: str, password: str = PASSWORD) -> dict[str, Any]:
        answer = await self.http.post("/api/auth/login",
                                      json={"email": email, "password": password})
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    async def events(self, **where: Any) -> list[AuditEvent]:
        return await self.trail.list(AuditFilter(**where))


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


@pytest.fixture
async def team(own_db: Database, tmp_path: Path) -> AsyncIterator[Team]:
    settings = Settings(data_dir=tmp_path / "data", workspace=tmp_path, open_browser=False)
    app = create_team_app(settings, TeamSettings(database_url=own_db.url,
                                                 workspaces_dir=tmp_path / "ws"))
    assert app.team.audit is not None
    async with app.api.router.lifespan_context(app.api), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1",
            headers=HOST) as http:
        yield Team(http, app, app.team.audit)


async def test_sign_in_events(team: Team) -> None:
    email = unique_email("ann")
    ann, _ = await team.register(email)
    assert [(e.action, e.actor, e.target) for e in await team.events(actor=ann)] == [
        ("auth.login", ann, f"user:{ann}")]
    wrong = await team.http.post("/api/auth/login", json={"email": email, "password": "nope"})
    assert wrong.status_code == 401
    failed = (await team.events(action="auth.login_failed"))[0]
    assert (failed.actor, failed.target, failed.details["reason"]) == (
        ann, f"user:{ann}", "wrong password")
    assert "nope" not in json.dumps(failed.details)
    unknown = unique_email("nobody")
    await team.http.post("/api/auth/login", json={"email": unknown, "password": "nope"})
    assert (await team.events(action="auth.login_failed"))[0].target == f"email:{unknown}"

    tokens = await team.login(email)
    refresh = {"refresh_token": tokens["refresh_token"]}
    assert (await team.http.post("/api/auth/refresh", json=refresh)).status_code == 200
    assert (await team.http.post("/api/auth/refresh", json=refresh)).status_code == 401
    reuse = await team.events(action="auth.token_reuse")
    assert [(e.actor, e.target) for e in reuse] == [(ann, f"user:{ann}")]
    assert tokens["refresh_token"] not in json.dumps(reuse[0].details)
    assert (await team.trail.verify()).intact


async def test_role_change_and_a_viewers_denied_write(team: Team) -> None:
    owner, owner_tokens = await team.register(unique_email("owner"))
    viewer_email = unique_email("viewer")
    viewer, viewer_tokens = await team.register(viewer_email)
    made = await team.http.post("/api/teams", json={"name": "Core"},
                                headers=bearer(owner_tokens))
    team_id = made.json()["id"]
    added = await team.http.post(f"/api/teams/{team_id}/members", headers=bearer(owner_tokens),
                                 json={"email": viewer_email, "role": "member"})
    assert added.status_code == 201, added.text
    changed = await team.http.patch(f"/api/teams/{team_id}/members/{viewer}",
                                    json={"role": "viewer"}, headers=bearer(owner_tokens))
    assert changed.status_code == 200, changed.text
    roles = await team.events(action="team.role_changed")
    assert [(e.actor, e.target, e.details["user_id"], e.details["previous"], e.details["role"])
            for e in roles] == [(owner, f"team:{team_id}", viewer, "member", "viewer")]
    assert [e.action for e in await team.events(target=f"team:{team_id}")] == [
        "team.role_changed", "team.member_added"]

    # The viewer may not manage the team (the team routes' 403) …
    refused = await team.http.post(f"/api/teams/{team_id}/invitations", json={"role": "member"},
                                   headers=bearer(viewer_tokens))
    assert refused.status_code == 403
    # … nor write in its workspace (the role policy's 403).
    space = await team.http.post(f"/api/teams/{team_id}/workspaces", json={"name": "site"},
                                 headers=bearer(owner_tokens))
    assert space.status_code == 201, space.text
    ws = space.json()["id"]
    write = await team.http.put(f"/w/{ws}/api/files/content", params={"path": "a.txt"},
                                json={"content": "x", "etag": None},
                                headers=bearer(viewer_tokens))
    assert write.status_code == 403, write.text
    denied = await team.events(action="authz.denied", actor=viewer)
    assert [e.target for e in denied] == [f"workspace:{ws}", f"team:{team_id}"]
    assert {key: denied[0].details[key] for key in ("action", "resource", "role")} == {
        "action": "write", "resource": "files", "role": "viewer"}
    assert [e.target for e in await team.events(action="workspace.created")] == [
        f"workspace:{ws}"]

    # An owner sets, then clears a provider's API key: both recorded, the key never.
    secret = "sk-audit-test-0123456789"
    provider = {"kind": "openai_compat", "base_url": "http://127.0.0.1:9/v1"}
    for key in (secret, ""):
        saved = await team.http.put(f"/w/{ws}/api/models/providers/work",
                                    json={**provider, "api_key": key},
                                    headers=bearer(owner_tokens))
        assert saved.status_code == 200, saved.text
    keys = [e for e in await team.events(target=f"workspace:{ws}", actor=owner)
            if e.action.startswith("models.")]
    assert [(e.action, e.details["provider"]) for e in keys] == [
        ("models.key_removed", "work"), ("models.key_set", "work")]
    assert secret not in json.dumps([dict(e.details) for e in keys])

    # An owner approves the workspace's agent allow-list.
    folder = team.app.team.settings.workspaces_dir / ws
    (folder / CONFIG_FILE).parent.mkdir(parents=True, exist_ok=True)
    (folder / CONFIG_FILE).write_text('[agent]\nallowed_commands = [["pytest", "**"]]\n')
    approved = await team.http.post(f"/w/{ws}/api/agent/allow-list/approve",
                                    json={"workspace": [["pytest", "**"]]},
                                    headers=bearer(owner_tokens))
    assert approved.status_code == 200, approved.text
    (approval,) = await team.events(action="agent.command_approved")
    assert (approval.actor, approval.target, approval.details["commands"]) == (
        owner, f"workspace:{ws}", "pytest **")
    assert (await team.trail.verify()).intact


async def test_admin_view(team: Team) -> None:
    admin_email = unique_email("admin")
    await team.app.team.accounts.create_user(admin_email, PASSWORD, is_admin=True)
    admin = await team.login(admin_email)
    email = unique_email("bob")
    bob, bob_tokens = await team.register(email)
    for _ in range(3):
        await team.http.post("/api/auth/login", json={"email": email, "password": "no"})

    refused = await team.http.get("/api/admin/audit", headers=bearer(bob_tokens))
    assert refused.status_code == 403 and "server admins" in refused.json()["detail"]
    assert (await team.events(action="authz.denied", actor=bob))[0].target == "audit"
    anonymous = await team.http.get("/api/admin/audit")
    assert anonymous.status_code == 401

    page = await team.http.get("/api/admin/audit", headers=bearer(admin),
                               params={"actor": email, "action": "auth.login_failed",
                                       "limit": 2})
    assert page.status_code == 200, page.text
    body = page.json()
    ids = [event["id"] for event in body["events"]]
    assert len(ids) == 2 and ids == sorted(ids, reverse=True)
    assert {(e["actor"], e["action"]) for e in body["events"]} == {(bob, "auth.login_failed")}
    assert body["next_before_id"] == ids[-1]
    rest = (await team.http.get("/api/admin/audit", headers=bearer(admin), params={
        "actor": bob, "action": "auth.login_failed", "before_id": ids[-1]})).json()
    assert len(rest["events"]) == 1 and rest["events"][0]["id"] < ids[-1]
    assert rest["next_before_id"] is None

    newest = body["events"][0]["created_at"]
    later = (await team.http.get("/api/admin/audit", headers=bearer(admin),
                                 params={"since": newest, "actor": bob})).json()["events"]
    assert [e["action"] for e in later] == ["authz.denied", "auth.login_failed"]
    earlier = (await team.http.get("/api/admin/audit", headers=bearer(admin),
                                   params={"until": newest, "actor": bob})).json()["events"]
    assert [e["action"] for e in earlier] == ["auth.login_failed"] * 2 + ["auth.login"]
