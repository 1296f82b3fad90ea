"""Audit trail: `audit_events`, an append-only hash chain of security events, and
`audit_head`, one row naming the chain's last event.

Each event's `hash` is sha256(prev_hash + canonical JSON of its fields) and its `prev_hash`
is the previous event's hash, so an edited, deleted or reordered row breaks the chain
(`pairpad audit verify`). Deleting the last rows leaves a valid shorter chain: the head row,
updated in the same transaction as each insert, tells. Ids are given by the writer (head's
last id + 1, under a lock), not by a sequence, so they have no gaps.

Revision ID: 0011_audit_events
Revises: 0010_owner_keys
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_audit_events"
down_revision = "0010_owner_keys"
branch_labels = None
depends_on = None

GENESIS = "0" * 64  # the prev_hash of the first event


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(400), nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_events_actor", "audit_events", ["actor"])
    op.create_index("ix_audit_events_action", "audit_events", ["action"])
    op.create_index("ix_audit_events_target", "audit_events", ["target"])
    op.create_index("ix_audit_events_created_at", "audit_events", ["created_at"])
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),  # always 1
        sa.Column("last_id", sa.BigInteger, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "last_id": 0, "last_hash": GENESIS}])


def downgrade() -> None:
    op.drop_table("audit_head")
    op.drop_index("ix_audit_events_created_at", "audit_events")
    op.drop_index("ix_audit_events_target", "audit_events")
    op.drop_index("ix_audit_events_action", "audit_events")
    op.drop_index("ix_audit_events_actor", "audit_events")
    op.drop_table("audit_events")
