"""Owner keys: user_settings, ai_providers and ai_roles are keyed by owner and workspace too.

Revision 0003 gave these tables `owner_id`/`workspace_id` but kept the single-column keys
(`key`, `name`, `role`), so in team mode (one database, many owners) two teams saving a
provider "openai" would share one row, encrypted API key included. The keys become
(owner_id, workspace_id, <key>): the stores keep user-wide rows at `workspace_id` '' and now
read and write them by owner.

Existing rows are kept as they are (local owner, workspace ''; the old keys were unique, so
the new ones are). SQLite rebuilds each table (batch mode, from the definition below: a
reflected table would keep its old key column marked primary and SQLAlchemy warns);
PostgreSQL swaps the constraint in place. The downgrade restores the single-column keys and
fails (changing nothing) when two owners have a row of the same key.

Revision ID: 0010_owner_keys
Revises: 0009_team_mode
"""

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0010_owner_keys"
down_revision = "0009_team_mode"
branch_labels = None
depends_on = None

OWNER = ("owner_id", "workspace_id")


def _owner_columns() -> list[sa.Column[str]]:
    return [sa.Column("owner_id", sa.String(64), nullable=False, server_default="local"),
            sa.Column("workspace_id", sa.String(64), nullable=False, server_default="")]


def _updated_at() -> sa.Column[datetime]:
    return sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                     nullable=False)


def _table(name: str, key: tuple[str, ...]) -> sa.Table:
    """The table as of revision 0009 (same columns), with `key` as its primary key."""
    metadata = sa.MetaData()
    pk = sa.PrimaryKeyConstraint(*key, name=f"{name}_pkey")
    if name == "user_settings":
        return sa.Table(name, metadata, sa.Column("key", sa.String(128), nullable=False),
                        sa.Column("value", sa.JSON(), nullable=False), _updated_at(),
                        *_owner_columns(), pk)
    if name == "ai_providers":
        return sa.Table(name, metadata, sa.Column("name", sa.String(64), nullable=False),
                        sa.Column("kind", sa.String(32), nullable=False),
                        sa.Column("base_url", sa.String(2048), nullable=True),
                        sa.Column("api_key_encrypted", sa.LargeBinary(), nullable=True),
                        sa.Column("api_key_env", sa.String(128), nullable=True),
                        sa.Column("options", sa.JSON(), nullable=False), _updated_at(),
                        *_owner_columns(), pk)
    return sa.Table(name, metadata, sa.Column("role", sa.String(32), nullable=False),
                    sa.Column("model_ref", sa.String(512), nullable=False),
                    *_owner_columns(), pk)


KEYS = {"user_settings": "key", "ai_providers": "name", "ai_roles": "role"}


def _rekey(name: str, key: tuple[str, ...]) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # Rebuilt from `copy_from` (rows copied by column name), not from reflection.
        with op.batch_alter_table(name, copy_from=_table(name, key), recreate="always"):
            pass
        return
    current = sa.inspect(bind).get_pk_constraint(name)["name"] or f"{name}_pkey"
    op.drop_constraint(current, name, type_="primary")
    op.create_primary_key(f"{name}_pkey", name, list(key))


def upgrade() -> None:
    for name, column in KEYS.items():
        _rekey(name, (*OWNER, column))


def downgrade() -> None:
    for name, column in KEYS.items():
        _rekey(name, (column,))
