"""Owner columns: `owner_id` and `workspace_id` on the rows that will need an owner.

Existing rows get the local user (`'local'`, the server default) and `workspace_id = ''`: the
database lives in the user's data dir, shared by every workspace opened with it, so which
workspace an old conversation belongs to was never recorded and cannot be guessed here. The
stores read `''` as "no particular workspace": user-wide for settings, providers and roles, and
listed in every workspace for those old conversations. New conversations carry their workspace.
Primary keys stay as they are (team mode will need composite ones, see docs/architecture.md).

Revision ID: 0003_owner_columns
Revises: 0002_chat
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_owner_columns"
down_revision = "0002_chat"
branch_labels = None
depends_on = None

TABLES = ("conversations", "user_settings", "ai_providers", "ai_roles")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("owner_id", sa.String(64), nullable=False,
                                       server_default="local"))
            batch.add_column(sa.Column("workspace_id", sa.String(64), nullable=False,
                                       server_default=""))
    op.create_index("ix_conversations_owner_workspace", "conversations",
                    ["owner_id", "workspace_id"])


def downgrade() -> None:
    op.drop_index("ix_conversations_owner_workspace", "conversations")
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("workspace_id")
            batch.drop_column("owner_id")
