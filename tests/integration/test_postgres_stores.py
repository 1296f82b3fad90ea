"""Every migration and every store on PostgreSQL (a fresh database per test) and, with the
same calls, on SQLite: team mode keeps the stores of local mode, on a database server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from pairpad.ai.agent.store import RunLog, RunRecord, RunStore
from pairpad.ai.completion.stats import CompletionEvent, CompletionStats
from pairpad.ai.conversations import ConversationStore
from pairpad.ai.provider_config import AISettings, LocalModelSettings
from pairpad.ai.provider_store import AISettingsService, ProviderUpdate
from pairpad.ai.providers.local import LocalModelServer
from pairpad.ai.providers.registry import ProviderRegistry
from pairpad.ai.secrets import SecretBox
from pairpad.changes.store import ChangeSetRecord, ChangeSetStore, FileRecord, StepRecord
from pairpad.editor_preferences import PreferencesService
from pairpad.errors import NotFound, Unprocessable
from pairpad.events.models import AgentEvent
from pairpad.runtime.task_approvals import TaskApprovals
from pairpad.storage.db import Database, alembic_config
from pairpad.storage.owner import Owner

KINDS = ["sqlite", "postgresql"]
OWNER = Owner("local", "ws0123456789abcd")
OTHER = Owner("team:other", "ws0123456789abcd")


@pytest.fixture(params=KINDS)
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        database = Database.for_sqlite_file(tmp_path / "data" / "pairpad.sqlite3")
    else:
        database = Database.for_url(request.getfixturevalue("pg_url"))
    await database.migrate()
    yield database
    await database.dispose()


def _head() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


async def test_a_fresh_postgresql_database_migrates_to_head(pg_url: str) -> None:
    database = Database.for_url(pg_url)
    try:
        assert database.dialect == "postgresql"
        await database.migrate()
        await database.migrate()  # again: nothing to do
        async with database.engine.connect() as connection:
            version = (await connection.execute(
                text("SELECT version_num FROM alembic_version"))).scalars().all()
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert version == [_head()]
        assert {"user_settings", "ai_providers", "ai_roles", "conversations", "messages",
                "completion_events", "task_approvals", "change_sets", "agent_runs",
                "agent_events", "users", "teams", "team_members"} <= tables
    finally:
        await database.dispose()


async def test_servers_starting_together_migrate_in_turn(pg_url: str) -> None:
    """Two instances on one new database: the advisory lock makes the second wait, then
    find the schema at head (without it, both create the same tables and one fails)."""
    first, second = Database.for_url(pg_url), Database.for_url(pg_url)
    try:
        await asyncio.gather(first.migrate(), second.migrate())
        async with first.engine.connect() as connection:
            version = (await connection.execute(
                text("SELECT version_num FROM alembic_version"))).scalars().all()
        assert version == [_head()]
    finally:
        await first.dispose()
        await second.dispose()


def test_for_url_names_the_driver_and_refuses_others(tmp_path: Path) -> None:
    assert Database.for_url("postgresql://postgres@127.0.0.1/x").url == (
        "postgresql+asyncpg://postgres@127.0.0.1/x")
    assert Database.for_url("postgres://u:p%40ss@h:5433/x").url == (
        "postgresql+asyncpg://u:p%40ss@h:5433/x")
    sqlite = Database.for_url(f"sqlite:///{tmp_path}/d/p.sqlite3")
    assert (sqlite.url, sqlite.dialect) == (f"sqlite+aiosqlite:///{tmp_path}/d/p.sqlite3",
                                            "sqlite")
    with pytest.raises(ValueError, match="unsupported database"):
        Database.for_url("mysql+aiomysql://u@h/x")
    with pytest.raises(ValueError, match="in-memory"):
        Database.for_url("sqlite+aiosqlite://")


async def test_postgresql_pool_reconnects_after_a_dropped_connection(pg_url: str) -> None:
    """No pre-ping (a round trip per checkout): a connection the server dropped (restart,
    idle timeout) fails its first use at once, flagged as lost (team mode answers 503,
    team/database_busy.py), not a hang; that invalidates the pool and the next use
    reconnects."""
    database = Database.for_url(pg_url)
    try:
        await database.migrate()
        async with database.engine.connect() as connection:
            pid = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        killer = Database.for_url(pg_url)
        try:
            async with killer.engine.connect() as connection:
                await connection.execute(text("SELECT pg_terminate_backend(:pid)"),
                                         {"pid": pid})
        finally:
            await killer.dispose()
        with pytest.raises(DBAPIError) as lost:
            async with database.session() as session:
                await session.execute(text("SELECT 1"))
        assert lost.value.connection_invalidated
        async with database.session() as session:
            assert (await session.execute(text("SELECT 1"))).scalar_one() == 1
    finally:
        await database.dispose()


async def test_preferences(db: Database) -> None:
    preferences = PreferencesService(db, OWNER)
    assert (await preferences.get_all())["editor.fontSize"] == 14
    await preferences.update({"editor.fontSize": 18, "editor.wordWrap": True,
                              "completion.disabledLanguages": ["markdown", "c++"]})
    values = await preferences.update({"editor.fontSize": 20})  # an existing row replaced
    assert (values["editor.fontSize"], values["editor.wordWrap"]) == (20, True)
    assert values["completion.disabledLanguages"] == ["markdown", "c++"]
    assert (await PreferencesService(db, OWNER).get_all()) == values


async def test_provider_store(db: Database, tmp_path: Path) -> None:
    registry = ProviderRegistry(LocalModelServer(LocalModelSettings(), tmp_path / "logs"))
    service = AISettingsService(AISettings(), db, SecretBox(tmp_path / "keys"), registry,
                                OWNER, env={})
    await service.load()
    update = ProviderUpdate(kind="openai_compat", base_url="http://127.0.0.1:9/v1",
                            api_key="sk-secret", models=["m1", "m2"], context_window=8192)
    await service.upsert_provider("lab", update)
    await service.upsert_provider("lab", update.model_copy(update={"api_key": None,
                                                                   "timeout": 30.0}))
    spec = registry.specs["lab"]
    assert (spec.api_key, spec.key_source, spec.origin) == ("sk-secret", "stored", "user")
    assert (spec.config.timeout, list(spec.config.models)) == (30.0, ["m1", "m2"])
    candidate = await service.candidate_spec("lab", update.model_copy(update={"api_key": None}))
    assert candidate.api_key == "sk-secret"
    await service.set_roles({"chat": "lab:m1", "edit": "lab:m2"})
    await service.set_roles({"chat": "lab:m2", "edit": None})
    assert str(service.roles()["chat"]) == "lab:m2"
    assert service.roles()["edit"].provider == "local"
    assert service.problems == []
    await service.delete_provider("lab")
    assert "lab" not in registry.specs
    with pytest.raises(NotFound):
        await service.delete_provider("lab")


async def test_conversations(db: Database) -> None:
    store = ConversationStore(db, OWNER)
    first = await store.add_message(None, "user", "hello", new_title="Greeting",
                                    context=[{"kind": "file", "path": "a.py"}],
                                    request={"active_file": "a.py"})
    answer = await store.add_message(first.conversation_id, "assistant", "hi there",
                                     model="lab:m1", finish_reason="length",
                                     usage={"prompt_tokens": 5, "completion_tokens": 2})
    empty = await store.create("Empty")
    listed = await store.list_all()
    assert [(c.title, c.message_count) for c in listed] == [("Empty", 0), ("Greeting", 2)]
    messages = await store.messages(first.conversation_id)
    assert [(m.role, m.content) for m in messages] == [("user", "hello"),
                                                       ("assistant", "hi there")]
    assert messages[0].request == {"active_file": "a.py"}
    assert messages[0].context == [{"kind": "file", "path": "a.py"}]
    assert messages[1].usage == {"prompt_tokens": 5, "completion_tokens": 2}
    assert datetime.fromisoformat(messages[1].created_at) >= datetime.fromisoformat(
        messages[0].created_at)
    renamed = await store.rename(empty.id, "x" * 300)
    assert renamed.title == "x" * 200
    await store.delete_message(answer.id)
    assert [m.id for m in await store.messages(first.conversation_id)] == [first.id]
    assert "# Greeting" in await store.export_markdown(first.conversation_id)
    # Another owner sees none of them.
    with pytest.raises(NotFound):
        await ConversationStore(db, OTHER).get(first.conversation_id)
    assert await ConversationStore(db, OTHER).list_all() == []
    await store.delete(first.conversation_id)  # its messages go with it (ON DELETE CASCADE)
    async with db.session() as session:
        left = (await session.execute(text("SELECT count(*) FROM messages"))).scalar_one()
    assert left == 0


async def test_completion_stats(db: Database) -> None:
    store = CompletionStats(db, OWNER, flush_delay=60)
    now = datetime.now(UTC)
    store.record(CompletionEvent("a", now, "lab:m1", "python", 120.5, False, 8))
    store.record(CompletionEvent("b", now + timedelta(seconds=1), "lab:m1", "rust", 3.0,
                                 True, 3))
    await store.feedback("a", "shown", None)  # queued: updated in memory
    await store.flush()
    await store.feedback("a", "accepted", None)  # written: updated in the database
    await store.feedback("b", "dismissed", None)
    with pytest.raises(NotFound):
        await store.feedback("nope", "shown", None)
    summary = await store.summary()
    assert (summary["total"], summary["shown"], summary["accepted"],
            summary["dismissed"]) == (2, 2, 1, 1)
    assert summary["latency_ms"]["p50"] == 120.5  # the cache hit is not a model latency
    assert [e.id for e in await store.events()] == ["b", "a"]
    other = CompletionStats(db, OTHER)
    assert (await other.summary())["total"] == 0
    with pytest.raises(NotFound):
        await other.feedback("a", "dismissed", None)
    await store.stop()
    await other.stop()


async def test_task_approvals(db: Database) -> None:
    approvals = TaskApprovals(db, OWNER)
    await approvals.approve("test", ["pytest", "-q"])
    assert await approvals.is_approved("test", ["pytest", "-q"])
    await approvals.approve("test", ["pytest", "-x"])  # replaces the earlier approval
    assert not await approvals.is_approved("test", ["pytest", "-q"])
    assert await approvals.is_approved("test", ["pytest", "-x"])
    assert await TaskApprovals(db, OTHER).approved() == {}


def _change_set(id: str, seq: int, checkpoint: str, when: datetime) -> ChangeSetRecord:
    file = FileRecord("a.py", "modified", "utf-8", "b1", "b2", ["pending", "pending"])
    step = StepRecord(checkpoint, "c" * 40, when, "edit a.py", ["a.py"], {"a.py": "b1"})
    return ChangeSetRecord(id, seq, when, "agent", "Fix it", "pending", checkpoint,
                           "c" * 40, [file], [step])


async def test_change_sets(db: Database) -> None:
    store = ChangeSetStore(db, OWNER)
    when = datetime.now(UTC).replace(microsecond=0)
    assert await store.next_seq() == 1
    first = _change_set("s1", 1, "cp1", when)
    await store.add(first)
    await store.add(_change_set("s2", 2, "cp2", when + timedelta(seconds=5)))
    assert await store.next_seq() == 3
    first.status = "reviewed"
    first.files[0].states = ["accepted", "rejected"]
    first.steps.append(StepRecord("cp1b", "d" * 40, when + timedelta(seconds=1), "again",
                                  ["a.py"], {"a.py": "b2"}))
    await store.save(first)
    got = await store.get("s1")
    assert got is not None
    assert (got.status, got.files[0].states) == ("reviewed", ["accepted", "rejected"])
    assert [s.checkpoint_id for s in got.steps] == ["cp1", "cp1b"]
    assert got.steps[1].created_at == when + timedelta(seconds=1)
    found = await store.by_checkpoint("cp1b")  # a later step's checkpoint finds its set
    assert found is not None and found.id == "s1"
    assert await store.by_checkpoint("cp9") is None
    assert [r.id for r in await store.listed()] == ["s2", "s1"]
    assert [r.id for r in await store.listed(since_seq=2)] == ["s2"]
    assert await ChangeSetStore(db, OTHER).get("s1") is None


async def test_agent_runs_and_their_log(db: Database) -> None:
    store = RunStore(db, OWNER)
    now = datetime.now(UTC)
    await store.add(RunRecord("r1", "Fix the bug", "auto", "lab:m1", "running", None, now,
                              None, None, 0, 0, 0))
    await store.add(RunRecord("r2", "Explain", "ask", "lab:m1", "waiting", None,
                              now + timedelta(seconds=1), None, None, 0, 0, 0))
    done = RunRecord("r1", "Fix the bug", "auto", "lab:m1", "finished", "done", now,
                     now + timedelta(seconds=3), "s1", 4, 1200, 300)
    await store.save(done)
    got = await store.get("r1")
    assert got is not None
    assert (got.status, got.reason, got.steps, got.input_tokens, got.change_set_id) == (
        "finished", "done", 4, 1200, "s1")
    assert [r.id for r in await store.listed()] == ["r2", "r1"]
    assert await store.mark_interrupted() == ["r2"]
    interrupted = await store.get("r2")
    assert interrupted is not None and interrupted.status == "interrupted"
    assert await RunStore(db, OTHER).get("r1") is None

    log = RunLog(db)
    for text_ in ("first", "second", "third"):
        await log.append("r1", lambda seq, t=text_: AgentEvent(
            run_id="r1", seq=seq, type="message", at=now.isoformat(), text=t))
    replay = await log.since("r1", 1)
    assert [(e.seq, getattr(e, "text", None)) for e in replay] == [(2, "second"),
                                                                    (3, "third")]


async def test_text_with_nul_characters_is_stored(db: Database) -> None:
    """PostgreSQL text refuses U+0000 (SQLite keeps it): stored as U+FFFD there, not a 500."""
    store = ConversationStore(db, OWNER)
    message = await store.add_message(None, "user", "before\x00after", new_title="t\x00",
                                      usage={"raw": "a\x00b"})
    [stored] = await store.messages(message.conversation_id)
    replaced = "\ufffd" if db.dialect == "postgresql" else "\x00"
    assert stored.content == f"before{replaced}after"
    assert stored.usage == {"raw": "a\x00b"}  # JSON escapes it: kept on both
    assert (await store.get(message.conversation_id)).title == f"t{replaced}"
    runs = RunStore(db, OWNER)
    await runs.add(RunRecord("r\x00", "task\x00", "auto", "m", "running", None,
                             datetime.now(UTC), None, None, 0, 0, 0))
    assert [r.task for r in await runs.listed()] == [f"task{replaced}"]


async def test_the_longest_accepted_values_fit_their_columns(db: Database,
                                                             tmp_path: Path) -> None:
    """PostgreSQL enforces column sizes (SQLite does not): what validation accepts fits, and
    a longer model reference or base URL is refused on both, not a 500 on one."""
    registry = ProviderRegistry(LocalModelServer(LocalModelSettings(), tmp_path / "logs"))
    service = AISettingsService(AISettings(), db, SecretBox(tmp_path / "keys"), registry,
                                OWNER, env={})
    await service.load()
    longest_url = "http://127.0.0.1:9/" + "u" * (2048 - len("http://127.0.0.1:9/"))
    await service.upsert_provider("lab", ProviderUpdate(kind="openai_compat",
                                                        base_url=longest_url))
    with pytest.raises(Unprocessable, match="2048"):
        await service.upsert_provider("lab", ProviderUpdate(kind="openai_compat",
                                                            base_url=longest_url + "u"))
    longest_ref = "lab:" + "m" * (200 - len("lab:"))
    await service.set_roles({"chat": longest_ref})
    assert str(service.roles()["chat"]) == longest_ref
    with pytest.raises(Unprocessable, match="at most 200"):
        await service.set_roles({"chat": longest_ref + "m"})
    runs = RunStore(db, OWNER)
    await runs.add(RunRecord("r1", "t", "auto", longest_ref, "running", None,
                             datetime.now(UTC), None, None, 0, 0, 0))
    [run] = await runs.listed()
    assert run.model == longest_ref
    conversations = ConversationStore(db, OWNER)
    message = await conversations.add_message(None, "assistant", "x", model=longest_ref)
    assert message.model == longest_ref


async def test_concurrent_messages_to_one_conversation_take_turns(pg_url: str) -> None:
    """On PostgreSQL (many users, one database) appends lock the conversation: each gets
    the next seq instead of colliding on (conversation_id, seq)."""
    database = Database.for_url(pg_url)
    try:
        await database.migrate()
        store = ConversationStore(database, OWNER)
        conversation = await store.create("busy")
        await asyncio.gather(*(store.add_message(conversation.id, "user", f"m{i}")
                               for i in range(8)))
        messages = await store.messages(conversation.id)
        assert sorted(m.content for m in messages) == [f"m{i}" for i in range(8)]
    finally:
        await database.dispose()
