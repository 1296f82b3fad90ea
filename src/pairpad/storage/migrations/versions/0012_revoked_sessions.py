"""Revoked sessions: a partial index on refresh_tokens(family_id) of the revoked rows only.

Every team-mode request checks that its access token's session (the refresh family) was not
revoked, in the same query as the user's token version. A family keeps one row per refresh
(dozens a day); with this index the usual answer, "not revoked", is one probe of an index
that holds only revoked sessions, whatever the family's length.

Revision ID: 0012_revoked_sessions
Revises: 0011_audit_events
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_revoked_sessions"
down_revision = "0011_audit_events"
branch_labels = None
depends_on = None

INDEX = "ix_refresh_tokens_revoked_family"
REVOKED = sa.text("revoked_at IS NOT NULL")


def upgrade() -> None:
    op.create_index(INDEX, "refresh_tokens", ["family_id"], postgresql_where=REVOKED,
                    sqlite_where=REVOKED)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="refresh_tokens")
