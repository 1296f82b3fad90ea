"""Alembic environment: runs on the connection handed over by Database.migrate()."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from pairpad.storage import team_tables as _team_tables  # noqa: F401  (registers its tables)
from pairpad.storage.tables import Base

connection: Connection | None = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only through Database.migrate()
    raise RuntimeError("Run migrations through pairpad.storage.db.Database.migrate()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite needs batch mode for ALTER TABLE
)
with context.begin_transaction():
    context.run_migrations()
