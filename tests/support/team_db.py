"""A migrated database for the team tests, on SQLite (a temp file) or on PostgreSQL (the
session's database of tests/support/postgres_fixtures.py, shared: every row a test makes is
its own — random ids, `unique_email`), and users made directly as `users` rows."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from pairpad.storage.db import Database
from pairpad.storage.team_tables import UserRow

DATABASES = ["sqlite", "postgresql"]


@asynccontextmanager
async def migrated_database(request: pytest.FixtureRequest, kind: str,
                            tmp_path: Path) -> AsyncIterator[Database]:
    if kind == "sqlite":
        db = Database.for_sqlite_file(tmp_path / "data" / "pairpad.sqlite3")
    else:
        db = Database(request.getfixturevalue("pg_session_url"))
    try:
        await db.migrate()
        yield db
    finally:
        await db.dispose()


def unique_email(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:10]}@example.com"


async def make_user(db: Database, email: str | None = None, *, verified: bool = True,
                    display_name: str = "") -> str:
    user_id = uuid.uuid4().hex
    async with db.session() as session:
        session.add(UserRow(id=user_id, email=email or unique_email("user"),
                            email_verified=verified, display_name=display_name))
    return user_id
