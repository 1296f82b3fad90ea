"""Agent runs: `agent_runs` (task, mode, model, state, reason) and `agent_events` (each
run's append-only log, keyed by run and seq).

Revision ID: 0008_agent_runs
Revises: 0007_change_set_steps
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_agent_runs"
down_revision = "0007_change_set_steps"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agent_runs",
        sa.Column("owner_id", sa.String(64), nullable=False, server_default="local"),
        sa.Column("workspace_id", sa.String(64), nullable=False, server_default=""),
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("task", sa.Text, nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("model", sa.String(200), nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("change_set_id", sa.String(32), nullable=True),
        sa.Column("steps", sa.Integer, nullable=False, server_default="0"),
        sa.Column("input_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("output_tokens", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_agent_runs_owner_workspace", "agent_runs",
                    ["owner_id", "workspace_id", "created_at"])
    op.create_table(
        "agent_events",
        sa.Column("run_id", sa.String(32),
                  sa.ForeignKey("agent_runs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("type", sa.String(24), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("agent_events")
    op.drop_index("ix_agent_runs_owner_workspace", table_name="agent_runs")
    op.drop_table("agent_runs")
