"""Team mode shares one database between owners: each store reads and writes only its own
owner's rows, on SQLite and on PostgreSQL (revision 0010_owner_keys and the stores' filters).

Two teams' workspaces (`Owner("team:a", "w1")`, `Owner("team:b", "w2")`) save the same
preference key, provider name and role: each reads back its own, and deleting one leaves the
other. An id of one owner's conversation, change set, agent run or completion is unknown to
the other (404 / None).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pairpad.ai.agent.store import RunRecord, RunStore
from pairpad.ai.completion.stats import CompletionEvent, CompletionStats
from pairpad.ai.conversations import ConversationStore
from pairpad.ai.provider_config import AISettings
from pairpad.ai.provider_store import AISettingsService, ProviderUpdate
from pairpad.ai.providers.local_server import LocalModelServer
from pairpad.ai.providers.registry import ProviderRegistry
from pairpad.ai.secrets import SecretBox
from pairpad.changes.store import ChangeSetRecord, ChangeSetStore
from pairpad.editor_preferences import PREFERENCES, PreferencesService
from pairpad.errors import NotFound
from pairpad.runtime.task_approvals import TaskApprovals
from pairpad.storage.db import Database
from pairpad.storage.owner import Owner

A = Owner("team:a", "w1")
B = Owner("team:b", "w2")
A_OTHER_WORKSPACE = Owner("team:a", "w2")


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        database = Database.for_sqlite_file(tmp_path / "data" / "pairpad.sqlite3")
    else:
        database = Database.for_url(request.getfixturevalue("pg_url"))
    await database.migrate()
    yield database
    await database.dispose()


def _ai(db: Database, owner: Owner, box: SecretBox, tmp_path: Path) -> AISettingsService:
    registry = ProviderRegistry(LocalModelServer(AISettings().local, tmp_path / "logs"))
    return AISettingsService(AISettings(), db, box, registry, owner, env={})


def _provider(base_url: str, key: str | None) -> ProviderUpdate:
    return ProviderUpdate(kind="openai_compat", base_url=base_url, api_key=key)


async def test_the_same_preference_key_is_kept_per_owner(db: Database) -> None:
    a, b = PreferencesService(db, A), PreferencesService(db, B)
    await a.update({"editor.fontSize": 18, "workbench.theme": "dark"})
    await b.update({"editor.fontSize": 20})
    assert (await a.get_all())["editor.fontSize"] == 18
    assert (await b.get_all())["editor.fontSize"] == 20
    assert (await b.get_all())["workbench.theme"] == "system"  # A's key is not B's
    await a.update({"editor.fontSize": 12})
    assert (await b.get_all())["editor.fontSize"] == 20
    third = await PreferencesService(db, Owner("team:c", "w3")).get_all()
    assert third == {key: default for key, (_kind, default) in PREFERENCES.items()}


async def test_the_same_provider_name_keeps_each_owners_key(db: Database, tmp_path: Path) -> None:
    box = SecretBox(tmp_path / "shared")  # even one box for both: rows, not keys, separate
    a, b = _ai(db, A, box, tmp_path), _ai(db, B, box, tmp_path)
    await a.upsert_provider("openai", _provider("https://a.example/v1", "sk-team-a"))
    await b.upsert_provider("openai", _provider("https://b.example/v1", "sk-team-b"))
    await a.load()
    assert a.registry.specs["openai"].api_key == "sk-team-a"
    assert a.registry.specs["openai"].config.base_url == "https://a.example/v1"
    assert b.registry.specs["openai"].api_key == "sk-team-b"
    # "Test connection" keeps the stored key: this owner's.
    spec = await b.candidate_spec("openai", _provider("https://b.example/v1", None))
    assert spec.api_key == "sk-team-b"
    # Editing without a key keeps A's own key; B's stays.
    await a.upsert_provider("openai", _provider("https://a2.example/v1", None))
    await b.load()
    assert a.registry.specs["openai"].api_key == "sk-team-a"
    assert b.registry.specs["openai"].api_key == "sk-team-b"
    assert b.registry.specs["openai"].config.base_url == "https://b.example/v1"

    await a.delete_provider("openai")
    with pytest.raises(NotFound):
        await a.delete_provider("openai")
    await b.load()
    assert "openai" not in a.registry.specs
    assert b.registry.specs["openai"].api_key == "sk-team-b"
    # A provider only B has is not A's to delete, nor to read.
    await b.upsert_provider("only-b", _provider("https://b.example/v1", "sk-only-b"))
    with pytest.raises(NotFound) as refused:
        await a.delete_provider("only-b")
    assert refused.value.status_code == 404
    assert (await a.candidate_spec("only-b", _provider("https://b.example/v1", None))).api_key \
        is None


async def test_the_same_role_is_assigned_per_owner(db: Database, tmp_path: Path) -> None:
    box = SecretBox(tmp_path / "shared")
    a, b = _ai(db, A, box, tmp_path), _ai(db, B, box, tmp_path)
    await a.load()
    await b.load()
    default_chat = a.roles()["chat"]
    await a.set_roles({"chat": "local:model-a"})
    await b.set_roles({"chat": "local:model-b"})
    await a.load()
    assert str(a.roles()["chat"]) == "local:model-a"
    assert str(b.roles()["chat"]) == "local:model-b"
    await a.set_roles({"chat": None})  # back to the default for A only
    await b.load()
    assert a.roles()["chat"] == default_chat
    assert str(b.roles()["chat"]) == "local:model-b"


async def test_a_conversation_id_of_one_owner_is_unknown_to_the_other(db: Database) -> None:
    a, b = ConversationStore(db, A), ConversationStore(db, B)
    message = await a.add_message(None, "user", "team A's secret", new_title="A")
    conversation_id = message.conversation_id
    for read in (b.get, b.messages, b.export_markdown, b.delete):
        with pytest.raises(NotFound) as refused:
            await read(conversation_id)
        assert refused.value.status_code == 404
    with pytest.raises(NotFound):
        await b.rename(conversation_id, "taken")
    with pytest.raises(NotFound):
        await b.add_message(conversation_id, "user", "appended by B")
    await b.delete_message(message.id)
    assert await b.list_all() == []
    assert [m.content for m in await a.messages(conversation_id)] == ["team A's secret"]


def _change_set(change_id: str) -> ChangeSetRecord:
    return ChangeSetRecord(change_id, 1, datetime.now(UTC), "chat", "A's change", "pending",
                           f"cp{change_id}", "0" * 40, [])


async def test_a_change_set_id_of_one_owner_is_unknown_to_the_other(db: Database) -> None:
    a, b = ChangeSetStore(db, A), ChangeSetStore(db, B)
    await a.add(_change_set("set-a"))
    assert await b.get("set-a") is None
    assert await b.by_checkpoint("cpset-a") is None
    assert await b.listed() == []
    assert await ChangeSetStore(db, A_OTHER_WORKSPACE).get("set-a") is None
    stolen = _change_set("set-a")
    stolen.status = "reverted"
    await b.save(stolen)  # not B's row: nothing changes
    record = await a.get("set-a")
    assert record is not None and record.status == "pending"


def _run(run_id: str) -> RunRecord:
    return RunRecord(run_id, "A's task", "ask", "local:m", "running", None, datetime.now(UTC),
                     None, None, 0, 0, 0)


async def test_an_agent_run_id_of_one_owner_is_unknown_to_the_other(db: Database) -> None:
    a, b = RunStore(db, A), RunStore(db, B)
    await a.add(_run("run-a"))
    assert await b.get("run-a") is None
    assert await b.listed() == []
    assert await b.mark_interrupted() == []  # B's restart leaves A's running run alone
    finished = _run("run-a")
    finished.status = "finished"
    await b.save(finished)
    record = await a.get("run-a")
    assert record is not None and record.status == "running"


async def test_completion_feedback_is_refused_for_another_owner_or_workspace(
    db: Database,
) -> None:
    a = CompletionStats(db, A, flush_delay=0)
    a.record(CompletionEvent("event-a", datetime.now(UTC), "local:m", "python", 12.0, False, 5))
    await a.flush()
    for other in (B, A_OTHER_WORKSPACE):
        with pytest.raises(NotFound) as refused:
            await CompletionStats(db, other).feedback("event-a", "accepted", 5)
        assert refused.value.status_code == 404
        assert await CompletionStats(db, other).events() == []
    [event] = await a.events()
    assert (event.outcome, event.accepted_chars) == (None, 0)
    await a.feedback("event-a", "accepted", 5)
    [event] = await a.events()
    assert (event.outcome, event.accepted_chars) == ("accepted", 5)


async def test_a_task_approval_is_per_owner_and_workspace(db: Database) -> None:
    await TaskApprovals(db, A).approve("test", ["pytest"])
    assert await TaskApprovals(db, A).is_approved("test", ["pytest"])
    for other in (B, A_OTHER_WORKSPACE):
        assert not await TaskApprovals(db, other).is_approved("test", ["pytest"])
        assert await TaskApprovals(db, other).approved() == {}
