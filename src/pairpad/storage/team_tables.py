"""Team mode's tables (revision 0009_team_mode): accounts, sessions, second factors,
sign-in challenges, OAuth links, teams, members, invitations and team workspaces; and
the audit trail (revision 0011_audit_events).

Local mode creates them too (one migration chain for SQLite and PostgreSQL) and never
writes a row. Ids are random (uuid4 hex); secrets are stored only as hashes, except what
must be read back to check a code (the TOTP secret), which is encrypted (ai/secrets.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from pairpad.storage.tables import Base


# A ForeignKey object belongs to one column: each column gets its own.
def _user_fk() -> ForeignKey:
    return ForeignKey("users.id", ondelete="CASCADE")


def _team_fk() -> ForeignKey:
    return ForeignKey("teams.id", ondelete="CASCADE")


def _now_column() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), nullable=False, unique=True)  # lower-cased
    email_verified: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)  # argon2id
    is_admin: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)  # server admin
    # Raised by "sign out everywhere" and password changes: older access tokens are refused.
    token_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    totp_secret_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    totp_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # no replay
    created_at: Mapped[datetime] = _now_column()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), onupdate=func.now()
    )


class RecoveryCodeRow(Base):
    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(32), _user_fk(), nullable=False, index=True)
    code_hash: Mapped[str] = mapped_column(String(128), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class RefreshTokenRow(Base):
    """One refresh token of a family (a device's sign-in); rotated on every use."""

    __tablename__ = "refresh_tokens"
    # Revoked sessions only (migration 0012): every request's "was my session revoked?"
    __table_args__ = (Index("ix_refresh_tokens_revoked_family", "family_id",
                            postgresql_where=text("revoked_at IS NOT NULL"),
                            sqlite_where=text("revoked_at IS NOT NULL")),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    family_id: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    user_id: Mapped[str] = mapped_column(String(32), _user_fk(), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)  # SHA-256
    created_at: Mapped[datetime] = _now_column()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    user_agent: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    ip: Mapped[str] = mapped_column(String(64), nullable=False, default="")


class EmailTokenRow(Base):
    """Email verification and password reset tokens: single use, short expiry, hashed."""

    __tablename__ = "email_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(32), _user_fk(), nullable=False, index=True)
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)  # verify | reset
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = _now_column()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class WebAuthnCredentialRow(Base):
    __tablename__ = "webauthn_credentials"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), _user_fk(), nullable=False, index=True)
    credential_id: Mapped[str] = mapped_column(String(1024), nullable=False, unique=True)  # b64url
    public_key: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    sign_count: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    transports: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    created_at: Mapped[datetime] = _now_column()
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuthChallengeRow(Base):
    """A pending sign-in step kept server-side: an OAuth state (nonce, PKCE verifier), a
    WebAuthn challenge. Single use; expired rows are ignored and swept."""

    __tablename__ = "auth_challenges"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the state / handle
    purpose: Mapped[str] = mapped_column(String(32), nullable=False)
    user_id: Mapped[str | None] = mapped_column(String(32), _user_fk(), nullable=True)
    data: Mapped[dict[str, object]] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[datetime] = _now_column()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class OAuthIdentityRow(Base):
    __tablename__ = "oauth_identities"
    __table_args__ = (UniqueConstraint("provider", "subject", name="uq_oauth_provider_subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(32), _user_fk(), nullable=False, index=True)
    provider: Mapped[str] = mapped_column(String(64), nullable=False)
    subject: Mapped[str] = mapped_column(String(255), nullable=False)
    email: Mapped[str] = mapped_column(String(320), nullable=False, default="")
    created_at: Mapped[datetime] = _now_column()


class TeamRow(Base):
    __tablename__ = "teams"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    created_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = _now_column()


class TeamMemberRow(Base):
    __tablename__ = "team_members"

    team_id: Mapped[str] = mapped_column(String(32), _team_fk(), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), _user_fk(), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(16), nullable=False)  # owner|admin|member|viewer
    created_at: Mapped[datetime] = _now_column()


class TeamInvitationRow(Base):
    __tablename__ = "team_invitations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), _team_fk(), nullable=False, index=True)
    # None: anyone with the link may accept it.
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = _now_column()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    accepted_by: Mapped[str | None] = mapped_column(String(32), nullable=True)


class TeamWorkspaceRow(Base):
    """A folder under the workspaces root (`folder`), owned by a team; `/w/{id}/` serves it."""

    __tablename__ = "team_workspaces"
    __table_args__ = (UniqueConstraint("team_id", "name", name="uq_team_workspace_name"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), _team_fk(), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    folder: Mapped[str] = mapped_column(String(255), nullable=False, unique=True)
    created_at: Mapped[datetime] = _now_column()


class ServerSecretRow(Base):
    """Secrets every instance of a deployment shares (the JWT signing key)."""

    __tablename__ = "server_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    created_at: Mapped[datetime] = _now_column()


class AuditEventRow(Base):
    """One security event of the audit trail (revision 0011): append-only, hash-chained
    (pairpad.audit). `id` is given by the writer (the head's last id + 1), never a sequence."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                 index=True)
    actor: Mapped[str] = mapped_column(String(64), nullable=False, index=True)  # a user id
    action: Mapped[str] = mapped_column(String(64), nullable=False, index=True)  # auth.login …
    target: Mapped[str] = mapped_column(String(400), nullable=False, index=True)  # team:<id> …
    details: Mapped[dict[str, object]] = mapped_column(JSON, nullable=False)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)


class AuditHeadRow(Base):
    """The chain's last event (one row, id 1), updated with every insert: deleting the last
    events leaves a valid shorter chain that only this row contradicts."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    last_hash: Mapped[str] = mapped_column(String(64), nullable=False)
