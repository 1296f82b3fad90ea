"""Task approvals: `task_approvals` (a workspace config task the user allowed to run).

One row per owner, workspace and task name: the SHA-256 of the argv the user approved and
when. A task whose argv no longer hashes to it asks again.

Revision ID: 0005_task_approvals
Revises: 0004_completion_events
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_task_approvals"
down_revision = "0004_completion_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "task_approvals",
        sa.Column("owner_id", sa.String(64), nullable=False, server_default="local"),
        sa.Column("workspace_id", sa.String(64), nullable=False, server_default=""),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("argv_sha256", sa.String(64), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("owner_id", "workspace_id", "name"),
    )


def downgrade() -> None:
    op.drop_table("task_approvals")
