"""Change-set steps: `change_sets.steps` (an agent run's one change set, a checkpoint per step).

A JSON list of {checkpoint_id, commit, created_at, title, files, befores}; rows written
before this revision keep NULL and read as one step: the set's own checkpoint.

Revision ID: 0007_change_set_steps
Revises: 0006_change_sets
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_change_set_steps"
down_revision = "0006_change_sets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("change_sets") as batch:
        batch.add_column(sa.Column("steps", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("change_sets") as batch:
        batch.drop_column("steps")
