"""Owner columns (revision 0003): old rows keep their data and get the local owner; the
conversation store writes and filters by owner and workspace."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from pairpad.ai.conversations import ConversationStore
from pairpad.editor_preferences import PreferencesService
from pairpad.errors import NotFound
from pairpad.storage.db import Database, alembic_config
from pairpad.storage.owner import LOCAL_OWNER, Owner, workspace_id


def _upgrade_sync(path: Path, revision: str) -> None:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database.for_sqlite_file(tmp_path / "data" / "pairpad.sqlite3")
    await database.migrate()
    yield database
    await database.dispose()


def test_workspace_id_is_stable_and_short(tmp_path: Path) -> None:
    assert workspace_id(tmp_path) == workspace_id(tmp_path / "x" / "..")
    assert workspace_id(tmp_path) != workspace_id(tmp_path / "other")
    assert len(workspace_id(tmp_path)) == 16
    assert str(tmp_path) not in workspace_id(tmp_path)


async def test_migrating_a_0002_database_keeps_rows_and_sets_the_local_owner(
    tmp_path: Path,
) -> None:
    path = tmp_path / "pairpad.sqlite3"
    _upgrade_sync(path, "0002_chat")
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO user_settings (key, value) VALUES ('editor.fontSize', '18')")
        raw.execute("INSERT INTO ai_providers (name, kind, options) "
                    "VALUES ('mine', 'openai_compat', '{}')")
        raw.execute("INSERT INTO ai_roles (role, model_ref) VALUES ('chat', 'mine:gpt')")
        raw.execute("INSERT INTO conversations (id, title, created_at, updated_at) VALUES "
                    "('c1', 'Old chat', '2024-01-01 00:00:00', '2024-01-01 00:00:00')")
        raw.execute("INSERT INTO messages (id, conversation_id, seq, role, content, created_at) "
                    "VALUES ('m1', 'c1', 1, 'user', 'hello', '2024-01-01 00:00:00')")
    raw.close()

    database = Database.for_sqlite_file(path)
    try:
        await database.migrate()
        with sqlite3.connect(path) as raw:
            for table in ("conversations", "user_settings", "ai_providers", "ai_roles"):
                rows = raw.execute(f"SELECT owner_id, workspace_id FROM {table}").fetchall()  # noqa: S608
                assert rows == [(LOCAL_OWNER, "")], table
            assert raw.execute("SELECT content FROM messages").fetchall() == [("hello",)]
            head = ScriptDirectory.from_config(alembic_config()).get_current_head()
            assert raw.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]
        raw.close()
        # The old conversation (workspace never recorded) is still listed, with its message.
        store = ConversationStore(database, Owner.local(tmp_path / "ws"))
        [old] = await store.list_all()
        assert (old.id, old.title, old.message_count) == ("c1", "Old chat", 1)
        assert [m.content for m in await store.messages("c1")] == ["hello"]
        preferences = PreferencesService(database, Owner.local(tmp_path / "ws"))
        assert (await preferences.get_all())["editor.fontSize"] == 18
    finally:
        await database.dispose()


async def test_a_new_conversation_carries_the_owner_and_workspace(
    db: Database, tmp_path: Path
) -> None:
    owner = Owner.local(tmp_path / "ws")
    store = ConversationStore(db, owner)
    created = await store.create("Hi")
    message = await store.add_message(None, "user", "hello", new_title="Second")
    await PreferencesService(db, owner).update({"editor.tabSize": 2})
    with sqlite3.connect(tmp_path / "data" / "pairpad.sqlite3") as raw:
        rows = raw.execute("SELECT id, owner_id, workspace_id FROM conversations").fetchall()
        setting = raw.execute("SELECT owner_id, workspace_id FROM user_settings").fetchall()
    raw.close()
    assert sorted(rows) == sorted([(created.id, LOCAL_OWNER, owner.workspace_id),
                                   (message.conversation_id, LOCAL_OWNER, owner.workspace_id)])
    assert setting == [(LOCAL_OWNER, "")]  # preferences are user-wide


async def test_another_owners_or_workspaces_conversation_is_not_listed_or_readable(
    db: Database, tmp_path: Path
) -> None:
    mine = ConversationStore(db, Owner.local(tmp_path / "ws"))
    theirs = ConversationStore(db, Owner("alice", workspace_id(tmp_path / "ws")))
    elsewhere = ConversationStore(db, Owner.local(tmp_path / "other"))
    own = await mine.create("Mine")
    for store in (theirs, elsewhere):
        other = await store.add_message(None, "user", "secret", new_title="Not yours")
        assert [c.id for c in await mine.list_all()] == [own.id]
        for read in (mine.get, mine.messages, mine.export_markdown, mine.delete):
            with pytest.raises(NotFound) as refused:
                await read(other.conversation_id)
            assert refused.value.status_code == 404
        with pytest.raises(NotFound):
            await mine.rename(other.conversation_id, "Taken")
        with pytest.raises(NotFound):
            await mine.add_message(other.conversation_id, "user", "appended")
        await mine.delete_message(other.id)  # silently not theirs to delete
        assert [m.content for m in await store.messages(other.conversation_id)] == ["secret"]
        assert [c.title for c in await store.list_all()] == ["Not yours"]
