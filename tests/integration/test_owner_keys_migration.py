"""Revision 0010_owner_keys on SQLite and PostgreSQL: settings, providers and roles are keyed by
(owner_id, workspace_id, key); the rows a local install already has are kept and still read."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, inspect, text

from pairpad.ai.provider_config import AISettings
from pairpad.ai.provider_store import AISettingsService
from pairpad.ai.providers.local_server import LocalModelServer
from pairpad.ai.providers.registry import ProviderRegistry
from pairpad.ai.secrets import SecretBox
from pairpad.editor_preferences import PreferencesService
from pairpad.storage.db import Database, alembic_config
from pairpad.storage.owner import LOCAL_OWNER, Owner

KEYS = {"user_settings": "key", "ai_providers": "name", "ai_roles": "role"}


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        database = Database.for_sqlite_file(tmp_path / "pairpad.sqlite3")
    else:
        database = Database.for_url(request.getfixturevalue("pg_url"))
    yield database
    await database.dispose()


def _to(revision: str, down: bool = False) -> Callable[[Connection], None]:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)
    return run


def _primary_keys(connection: Connection) -> dict[str, list[str]]:
    found = inspect(connection)
    return {table: found.get_pk_constraint(table)["constrained_columns"] for table in KEYS}


async def _insert_local_rows(database: Database) -> None:
    async with database.engine.begin() as connection:
        await connection.execute(text(
            "INSERT INTO user_settings (key, value) VALUES ('editor.fontSize', '18')"))
        await connection.execute(text(
            "INSERT INTO ai_providers (name, kind, base_url, options) "
            "VALUES ('mine', 'openai_compat', 'https://llm.example/v1', '{}')"))
        await connection.execute(text(
            "INSERT INTO ai_roles (role, model_ref) VALUES ('chat', 'mine:gpt')"))


async def test_upgrading_keeps_local_rows_under_the_new_keys(
    db: Database, tmp_path: Path
) -> None:
    async with db.engine.begin() as connection:
        await connection.run_sync(_to("0009_team_mode"))
        assert await connection.run_sync(_primary_keys) == {
            table: [column] for table, column in KEYS.items()}
    await _insert_local_rows(db)

    await db.migrate()

    async with db.engine.begin() as connection:
        assert await connection.run_sync(_primary_keys) == {
            table: ["owner_id", "workspace_id", column] for table, column in KEYS.items()}
        for table in KEYS:
            rows = (await connection.execute(text(
                f"SELECT owner_id, workspace_id FROM {table}"))).all()  # noqa: S608
            assert [tuple(row) for row in rows] == [(LOCAL_OWNER, "")], table
        # The same key for another owner is a row of its own now.
        await connection.execute(text(
            "INSERT INTO user_settings (owner_id, key, value) "
            "VALUES ('team:a', 'editor.fontSize', '20')"))
    local = Owner.local(tmp_path / "ws")
    assert (await PreferencesService(db, local).get_all())["editor.fontSize"] == 18
    registry = ProviderRegistry(LocalModelServer(AISettings().local, tmp_path / "logs"))
    ai = AISettingsService(AISettings(), db, SecretBox(tmp_path), registry, local, env={})
    await ai.load()
    assert registry.specs["mine"].config.base_url == "https://llm.example/v1"
    assert str(ai.roles()["chat"]) == "mine:gpt"


async def test_downgrading_restores_the_single_column_keys(db: Database) -> None:
    await db.migrate()
    await _insert_local_rows(db)
    async with db.engine.begin() as connection:
        assert (await connection.run_sync(_primary_keys))["ai_providers"] == [
            "owner_id", "workspace_id", "name"]
        await connection.run_sync(_to("0009_team_mode", down=True))
        assert await connection.run_sync(_primary_keys) == {
            table: [column] for table, column in KEYS.items()}
        assert (await connection.execute(text("SELECT key FROM user_settings"))).all() == [
            ("editor.fontSize",)]
