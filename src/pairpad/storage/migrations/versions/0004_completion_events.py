"""Inline completion acceptance data: `completion_events` (kept locally, never sent).

One row per answered completion (model, language, latency, cache hit, characters shown) and
what the user did with it (`outcome`: shown, dismissed, partial, accepted; NULL until shown).
Owner columns as revision 0003 defines them; the stats read the owner's rows of a workspace.

Revision ID: 0004_completion_events
Revises: 0003_owner_columns
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_completion_events"
down_revision = "0003_owner_columns"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "completion_events",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("model", sa.String(512), nullable=False),
        sa.Column("language", sa.String(64), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("cached", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("shown_chars", sa.Integer(), nullable=False),
        sa.Column("accepted_chars", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("owner_id", sa.String(64), nullable=False, server_default="local"),
        sa.Column("workspace_id", sa.String(64), nullable=False, server_default=""),
    )
    op.create_index("ix_completion_events_owner_workspace", "completion_events",
                    ["owner_id", "workspace_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_completion_events_owner_workspace", "completion_events")
    op.drop_table("completion_events")
