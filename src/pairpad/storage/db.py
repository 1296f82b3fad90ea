"""Async database handle: engine, sessions and migrations applied at start-up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event, make_url, text
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


# Server databases (PostgreSQL). No pre-ping: it was one more round trip on every checkout
# (several per request). A connection a restarted server closed fails its query instead; that
# invalidates the whole pool, so the next requests reconnect, and the failed one is answered
# 503 (team/database_busy.py). Recycled after half an hour (proxies drop idle ones).
# 10 kept + 10 overflow per instance: queries take ~1 ms, so 20 at once already saturate an
# instance's core while 4 instances stay under PostgreSQL's default max_connections (100).
# An instance that finds no free connection within 10 s is overloaded: its 503 sheds the
# load sooner than waiting out a client's timeout.
SERVER_POOL: dict[str, Any] = {"pool_pre_ping": False, "pool_recycle": 1800, "pool_size": 10,
                               "max_overflow": 10, "pool_timeout": 10}
# Held while migrating, so servers starting together on one database migrate in turn.
MIGRATION_LOCK = 0x7061697270616400  # "pairpad\0"


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    if isinstance(value, tuple | list):
        return type(value)(_without_nul(item) for item in value)
    if isinstance(value, dict):
        return {key: _without_nul(item) for key, item in value.items()}
    return value


def _scrub_nul(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
               _executemany: bool) -> tuple[str, Any]:
    """PostgreSQL text cannot hold U+0000 (SQLite can): a chat message or task pasted with
    one would fail to save. It is stored as U+FFFD instead (JSON columns keep it, escaped)."""
    return statement, _without_nul(parameters)


class Database:
    """Owns the engine; hands out sessions; runs Alembic migrations on start. SQLite (local
    mode, a file) or PostgreSQL (team mode, `postgresql+asyncpg://…`)."""

    def __init__(self, url: str, directory: Path | None = None) -> None:
        self.url = url
        self._directory = directory
        self.dialect = make_url(url).get_backend_name()
        self.is_sqlite = self.dialect == "sqlite"
        self.engine: AsyncEngine = create_async_engine(
            url, **({} if self.is_sqlite else SERVER_POOL))
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        else:
            event.listen(self.engine.sync_engine, "before_cursor_execute", _scrub_nul,
                         retval=True)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # Same pool; no transaction around each statement (no BEGIN / ROLLBACK round trips).
        self._autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")

    @classmethod
    def for_sqlite_file(cls, path: Path) -> Database:
        return cls(f"sqlite+aiosqlite:///{path}", directory=path.parent)

    @classmethod
    def for_url(cls, url: str) -> Database:
        """A database named by a SQLAlchemy URL: `sqlite+aiosqlite:///path` (its folder is
        made on migrate) or `postgresql+asyncpg://user@host/name`. A plain
        `postgresql://` / `postgres://` URL gets the asyncpg driver."""
        parsed = make_url(url)
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+asyncpg")
        elif parsed.drivername == "sqlite":
            parsed = parsed.set(drivername="sqlite+aiosqlite")
        backend = parsed.get_backend_name()
        if backend == "sqlite":
            if parsed.database in (None, "", ":memory:"):
                raise ValueError("an in-memory SQLite database does not outlive a connection: "
                                 "name a file (sqlite+aiosqlite:///path/to/pairpad.sqlite3)")
            return cls.for_sqlite_file(Path(parsed.database))
        if backend != "postgresql":
            raise ValueError(f"unsupported database {backend!r}: use PostgreSQL "
                             "(postgresql+asyncpg://…) or SQLite (sqlite+aiosqlite:///…)")
        return cls(parsed.render_as_string(hide_password=False))

    async def migrate(self) -> None:
        """Upgrade to head in one transaction (PostgreSQL's DDL is transactional: a failed
        migration leaves the schema as it was)."""
        if self._directory is not None:
            self._directory.mkdir(parents=True, exist_ok=True)
        async with self.engine.begin() as connection:
            if self.dialect == "postgresql":
                await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                         {"key": MIGRATION_LOCK})
            await connection.run_sync(_upgrade_to_head)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session in one transaction: committed on success, rolled back on any error."""
        async with self._sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def read_connection(self) -> AsyncIterator[AsyncConnection]:
        """A connection for one read-only statement, outside any transaction: what every
        request's token check runs on, so it costs one round trip instead of three."""
        async with self._autocommit.connect() as connection:
            yield connection

    async def dispose(self) -> None:
        await self.engine.dispose()


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _upgrade_to_head(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
