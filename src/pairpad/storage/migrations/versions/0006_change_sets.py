"""AI change sets: `change_sets` (an applied AI change, its review state and its checkpoint).

Contents live in the shadow git repository of the data dir; a row holds their blob ids, one
review state per hunk and the checkpoint commit taken before the change was written.

Revision ID: 0006_change_sets
Revises: 0005_task_approvals
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_change_sets"
down_revision = "0005_task_approvals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_sets",
        sa.Column("owner_id", sa.String(64), nullable=False, server_default="local"),
        sa.Column("workspace_id", sa.String(64), nullable=False, server_default=""),
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("checkpoint_id", sa.String(32), nullable=False, unique=True),
        sa.Column("checkpoint_commit", sa.String(64), nullable=False),
        sa.Column("files", sa.JSON, nullable=False),
    )
    op.create_index("ix_change_sets_owner_workspace", "change_sets",
                    ["owner_id", "workspace_id", "seq"])


def downgrade() -> None:
    op.drop_index("ix_change_sets_owner_workspace", table_name="change_sets")
    op.drop_table("change_sets")
