"""AccountService: users, passwords, sign-in (with lockout and a second factor), sessions,
email verification, password reset and TOTP. Routes call it; it owns its tables."""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import CursorResult, delete, exists, func, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pairpad.accounts import passwords
from pairpad.accounts.clock import as_utc, utcnow
from pairpad.accounts.email_tokens import (
    RESET,
    VERIFY,
    issue_email_token,
    peek_email_token,
    use_email_token,
)
from pairpad.accounts.errors import WRONG_CREDENTIALS, TooManyAttempts, Unauthorized
from pairpad.accounts.hashing import digests_match, new_id
from pairpad.accounts.lockout import account_throttle, address_throttle, locked_until
from pairpad.accounts.mailer import LogMailer, Mailer, MailMessage
from pairpad.accounts.server_secrets import (
    JWT_SIGNING_KEY,
    TOTP_KEY,
    load_or_create_secret,
)
from pairpad.accounts.sessions import RefreshRefused, RefreshReused, RefreshSessions, SessionInfo
from pairpad.accounts.settings import TeamSettings
from pairpad.accounts.team_store import role_in_workspace_query
from pairpad.accounts.tokens import ACCESS, MFA, MFA_TTL_S, InvalidToken, TokenSigner
from pairpad.accounts.totp import (
    TotpEnrolment,
    TotpSecrets,
    looks_like_recovery_code,
    matching_step,
    new_enrolment,
    new_fernet_key,
    new_recovery_codes,
    recovery_code_digest,
)
from pairpad.audit.chain import Detail
from pairpad.audit.trail import ANONYMOUS, AuditSink
from pairpad.auth.identity import CredentialKind, Identity
from pairpad.errors import BadRequest, Conflict, Forbidden, NotFound, Unprocessable
from pairpad.storage.db import Database
from pairpad.storage.team_tables import (
    RecoveryCodeRow,
    RefreshTokenRow,
    UserRow,
    WebAuthnCredentialRow,
)

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
MAX_EMAIL = 320
SESSION_EXPIRED = "Not signed in (the session expired or was revoked): sign in again."
MFA_EXPIRED = "This sign-in step expired: sign in again."
WRONG_CODE = "Wrong code."
BAD_RESET_LINK = "This password reset link is invalid, used or expired: ask for a new one."
BAD_VERIFY_LINK = "This verification link is invalid, used or expired."


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int  # seconds the access token lives
    refresh_expires_in: int
    session_id: str  # the refresh family (a sessions-page row)


@dataclass(frozen=True)
class MfaRequired:
    mfa_token: str
    methods: list[str]  # "totp", "recovery", "passkey"


@dataclass(frozen=True)
class UserInfo:
    id: str
    email: str
    display_name: str
    email_verified: bool
    is_admin: bool
    totp_enabled: bool
    has_password: bool
    created_at: datetime


@dataclass(frozen=True)
class PasskeySummary:
    id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True)
class AccountOverview:
    user: UserInfo
    passkeys: list[PasskeySummary]


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _check_email(email: str) -> str:
    normalized = normalize_email(email)
    if len(normalized) > MAX_EMAIL or not _EMAIL.match(normalized):
        raise Unprocessable("Enter a valid email address.")
    return normalized


def _info(row: UserRow) -> UserInfo:
    return UserInfo(
        id=row.id, email=row.email, display_name=row.display_name,
        email_verified=row.email_verified, is_admin=row.is_admin,
        totp_enabled=row.totp_enabled, has_password=row.password_hash is not None,
        created_at=as_utc(row.created_at),
    )


def _rowcount(result: object) -> int:
    return result.rowcount if isinstance(result, CursorResult) else 0


class AccountService:
    def __init__(self, db: Database, settings: TeamSettings, *, mailer: Mailer | None = None,
                 audit: AuditSink | None = None) -> None:
        self.db = db
        self.settings = settings
        self.audit = audit  # the security events' trail (None: not recorded)
        self.mailer: Mailer = mailer or LogMailer()
        self.sessions = RefreshSessions(db, settings.refresh_ttl_s)
        # Failed sign-ins per client address, and per email without an account (so that a
        # lock does not reveal which emails have accounts): in memory, per instance.
        self.address_throttle = address_throttle()
        self.unknown_email_throttle = account_throttle()
        self._signer: TokenSigner | None = None
        self._totp: TotpSecrets | None = None

    # -- start-up ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Creates (first instance) or reads (the others) the shared secrets."""
        key = await load_or_create_secret(self.db, JWT_SIGNING_KEY, lambda: secrets.token_bytes(32))
        totp_key = await load_or_create_secret(self.db, TOTP_KEY, new_fernet_key)
        issuer = (self.settings.token_issuer or (self.settings.public_url or "").rstrip("/")
                  or "pairpad")
        self._signer = TokenSigner(key, issuer)
        self._totp = TotpSecrets(totp_key)

    @property
    def signer(self) -> TokenSigner:
        if self._signer is None:
            raise RuntimeError("AccountService.start() was not awaited")
        return self._signer

    @property
    def totp_secrets(self) -> TotpSecrets:
        if self._totp is None:
            raise RuntimeError("AccountService.start() was not awaited")
        return self._totp

    # -- users ------------------------------------------------------------------------------

    async def create_user(
        self, email: str, password: str | None, *, display_name: str = "",
        is_admin: bool = False, email_verified: bool = False,
    ) -> UserInfo:
        """A new account (password None: signs in through OAuth or a passkey only).
        Conflict when the email has an account."""
        address = _check_email(email)
        password_hash = None
        if password is not None:
            passwords.check_password(password, address)
            password_hash = await passwords.hash_password_async(password)
        row = UserRow(
            id=new_id(), email=address, display_name=display_name.strip()[:200],
            password_hash=password_hash, is_admin=is_admin, email_verified=email_verified,
            token_version=0, failed_logins=0, totp_enabled=False, created_at=utcnow(),
            updated_at=utcnow(),
        )
        try:
            async with self.db.session() as session:
                session.add(row)
        except IntegrityError as error:
            raise Conflict("An account with this email already exists.") from error
        return _info(row)

    async def get_user(self, user_id: str) -> UserInfo | None:
        async with self.db.session() as session:
            row = await session.get(UserRow, user_id)
            return _info(row) if row else None

    async def find_user_by_email(self, email: str) -> UserInfo | None:
        async with self.db.session() as session:
            row = await self._by_email(session, normalize_email(email))
            return _info(row) if row else None

    async def list_users(self) -> list[UserInfo]:
        async with self.db.session() as session:
            rows = (await session.scalars(select(UserRow).order_by(UserRow.email))).all()
            return [_info(row) for row in rows]

    async def reset_password_admin(self, email: str, password: str) -> None:
        """An admin's reset (`pairpad admin reset-password`): new password, every session
        revoked, lockout cleared."""
        user = await self.find_user_by_email(email)
        if user is None:
            raise NotFound(f"No account has the email {normalize_email(email)}.")
        passwords.check_password(password, user.email)
        await self._set_password(user.id, await passwords.hash_password_async(password))
        await self._audit(user.id, "auth.password_reset", by="admin command")

    async def register(self, email: str, password: str, display_name: str = "", *,
                       base_url: str | None = None) -> None:
        """Self sign-up. The answer is the same whether or not the email has an account (no
        enumeration): a new account gets a verification mail, an existing one a notice."""
        if not self.settings.open_registration:
            raise Forbidden("Sign-up is closed on this server: ask an admin for an account.")
        address = _check_email(email)
        passwords.check_password(password, address)
        try:
            user = await self.create_user(address, password, display_name=display_name)
        except Conflict:
            await self.mailer.send(MailMessage(
                to=address, subject="Pairpad: sign-up attempt",
                body="Someone tried to create a Pairpad account with this email address, "
                     "which already has one. If it was you, sign in or reset your password.",
            ))
            return
        await self.send_verification(user.id, base_url)

    # -- sign-in ----------------------------------------------------------------------------

    async def login(self, email: str, password: str, *, user_agent: str = "", ip: str = ""
                    ) -> TokenPair | MfaRequired:
        self._check_address(ip)
        address = normalize_email(email)
        async with self.db.session() as session:
            row = await self._by_email(session, address)
        if row is None:
            wait = self.unknown_email_throttle.retry_after(address)
            if wait > 0:
                raise TooManyAttempts(math.ceil(wait))
            await passwords.verify_password_async(None, password)
            self.unknown_email_throttle.failed(address)
            self.address_throttle.failed(ip)
            await self._audit_failed_login(ANONYMOUS, f"email:{address[:MAX_EMAIL]}",
                                           "unknown email", ip)
            raise Unauthorized(WRONG_CREDENTIALS)
        self._check_locked(row)
        if not await passwords.verify_password_async(row.password_hash, password):
            await self._failed(row.id, ip)
            await self._audit_failed_login(row.id, f"user:{row.id}", "wrong password", ip,
                                           email=row.email)
            raise Unauthorized(WRONG_CREDENTIALS)
        await self._succeeded(row, password)
        step = await self.mfa_challenge(row.id)
        return step or await self.issue_session(row.id, user_agent, ip, method="password")

    async def mfa_challenge(self, user_id: str) -> MfaRequired | None:
        """The second step a user who passed a first factor (password, OAuth) still owes:
        None when no second factor is enrolled."""
        async with self.db.session() as session:
            row = await session.get(UserRow, user_id)
        if row is None:
            raise Unauthorized(SESSION_EXPIRED)
        methods = await self._mfa_methods(row)
        if not methods:
            return None
        token = self.signer.issue(row.id, token_type=MFA, ttl_s=MFA_TTL_S,
                                  version=row.token_version)
        return MfaRequired(token, methods)

    async def user_from_mfa_token(self, mfa_token: str) -> str:
        """The user a login's second step is for (the passkey sign-in uses it too)."""
        try:
            claims = self.signer.decode(mfa_token, token_type=MFA)
        except InvalidToken as error:
            raise Unauthorized(MFA_EXPIRED) from error
        async with self.db.session() as session:
            version = await session.scalar(
                select(UserRow.token_version).where(UserRow.id == claims.user_id)
            )
        if version is None or version != claims.version:
            raise Unauthorized(MFA_EXPIRED)
        return claims.user_id

    async def verify_mfa(self, mfa_token: str, code: str, *, user_agent: str = "", ip: str = ""
                         ) -> TokenPair:
        """The second step: a TOTP code or a recovery code."""
        self._check_address(ip)
        user_id = await self.user_from_mfa_token(mfa_token)
        async with self.db.session() as session:
            row = await session.get(UserRow, user_id)
        if row is None:
            raise Unauthorized(MFA_EXPIRED)
        self._check_locked(row)
        if not await self._second_factor_ok(row, code):
            await self._failed(row.id, ip)
            await self._audit_failed_login(row.id, f"user:{row.id}", "wrong second factor",
                                           ip, email=row.email)
            raise Unauthorized(WRONG_CODE)
        await self._reset_failures(row.id)
        return await self.issue_session(row.id, user_agent, ip, method="password+code")

    async def issue_session(self, user_id: str, user_agent: str, ip: str, *,
                            method: str | None = None) -> TokenPair:
        """A new signed-in session (refresh family + access token) for a user who proved who
        they are (password + second factor, OAuth, passkey). `method`: how they signed in
        (recorded as auth.login); None for a session that is not a sign-in (a password
        change's new tokens)."""
        issued = await self.sessions.start(user_id, user_agent, ip)
        pair = await self._pair(user_id, issued.token, issued.family_id)
        if method is not None:
            await self._audit(user_id, "auth.login", method=method, ip=ip,
                              session_id=issued.family_id)
        return pair

    async def refresh(self, refresh_token: str, *, user_agent: str = "", ip: str = ""
                      ) -> TokenPair:
        try:
            issued = await self.sessions.rotate(refresh_token, user_agent, ip)
        except RefreshReused as error:
            # A copied refresh token: its whole sign-in was revoked.
            await self._audit(error.user_id, "auth.token_reuse", session_id=error.family_id,
                              ip=ip)
            raise Unauthorized(SESSION_EXPIRED) from error
        except RefreshRefused as error:
            raise Unauthorized(SESSION_EXPIRED) from error
        return await self._pair(issued.user_id, issued.token, issued.family_id)

    async def identity_from_access_token(self, token: str, via: CredentialKind,
                                         workspace_id: str | None = None) -> Identity | None:
        """The signed-in user of an access token (every request): signature and claims,
        then one database round trip — the user's token version (sign-out everywhere) and
        whether the token's session was revoked (sign-out, a device removed). The database
        is the source of truth, so every instance refuses the token at once. With
        `workspace_id` the same query also reads the user's role there (`role_for` says so;
        role None: not a member)."""
        try:
            claims = self.signer.decode(token, token_type=ACCESS)
        except InvalidToken:
            return None
        revoked = (
            exists().where(RefreshTokenRow.family_id == claims.session_id,
                           RefreshTokenRow.revoked_at.is_not(None))
            if claims.session_id else literal(False)
        )  # one probe of the partial index of revoked sessions (migration 0012)
        role = (role_in_workspace_query(claims.user_id, workspace_id).scalar_subquery()
                if workspace_id else literal(None))
        async with self.db.read_connection() as connection:
            row = (await connection.execute(
                select(UserRow.token_version, revoked.label("revoked"), role.label("role"))
                .where(UserRow.id == claims.user_id)
            )).first()
        if row is None or row.token_version != claims.version or row.revoked:
            return None
        return Identity(claims.user_id, via, role=row.role, role_for=workspace_id)

    def session_id_of(self, access_token: str | None) -> str | None:
        """The refresh family an access token was issued with (the sessions page's
        "current"), without touching the database."""
        if not access_token:
            return None
        try:
            return self.signer.decode(access_token, token_type=ACCESS).session_id
        except InvalidToken:
            return None

    async def logout(self, user_id: str, refresh_token: str | None = None,
                     session_id: str | None = None) -> None:
        """Ends one session: the refresh token's family, else `session_id`'s."""
        family = None
        if refresh_token:
            found = await self.sessions.family_of(refresh_token)
            if found is not None and found[1] == user_id:
                family = found[0]
        family = family or session_id
        if family:
            await self.sessions.revoke_family(family, user_id)
        await self._audit(user_id, "auth.logout", session_id=family)

    async def logout_all(self, user_id: str) -> None:
        """Sign out everywhere: every refresh family revoked and every access token refused."""
        async with self.db.session() as session:
            await self._bump_version(session, user_id)
            await self.sessions.revoke_all(user_id, session)
        await self._audit(user_id, "auth.logout_all")

    async def list_sessions(self, user_id: str) -> list[SessionInfo]:
        return await self.sessions.live(user_id)

    async def revoke_session(self, user_id: str, session_id: str) -> None:
        if not await self.sessions.revoke_family(session_id, user_id):
            raise NotFound("No such session.")

    async def me(self, user_id: str) -> AccountOverview:
        async with self.db.session() as session:
            row = await session.get(UserRow, user_id)
            if row is None:
                raise Unauthorized(SESSION_EXPIRED)
            keys = (await session.scalars(
                select(WebAuthnCredentialRow).where(WebAuthnCredentialRow.user_id == user_id)
                .order_by(WebAuthnCredentialRow.created_at)
            )).all()
        passkeys = [
            PasskeySummary(key.id, key.name, as_utc(key.created_at),
                           as_utc(key.last_used_at) if key.last_used_at else None)
            for key in keys
        ]
        return AccountOverview(_info(row), passkeys)

    # -- passwords and email ----------------------------------------------------------------

    async def change_password(self, user_id: str, current_password: str, new_password: str,
                              *, user_agent: str = "", ip: str = "") -> TokenPair:
        """Every other session ends (version bumped, families revoked); the caller gets a
        new session."""
        async with self.db.session() as session:
            row = await session.get(UserRow, user_id)
        if row is None:
            raise Unauthorized(SESSION_EXPIRED)
        self._check_locked(row)
        if row.password_hash is not None and not await passwords.verify_password_async(
            row.password_hash, current_password
        ):
            await self._failed(row.id, ip)
            raise Forbidden("The current password is wrong.")
        passwords.check_password(new_password, row.email)
        await self._set_password(row.id, await passwords.hash_password_async(new_password))
        await self._audit(row.id, "auth.password_changed", ip=ip)
        return await self.issue_session(row.id, user_agent, ip)

    async def forgot_password(self, email: str, base_url: str) -> None:
        """Mails a reset link when the email has an account; says nothing either way."""
        address = normalize_email(email)
        async with self.db.session() as session:
            row = await self._by_email(session, address)
            if row is None:
                return
            token = await issue_email_token(session, row.id, RESET)
        link = f"{base_url.rstrip('/')}/reset-password#token={token}"
        await self.mailer.send(MailMessage(
            to=row.email, subject="Pairpad: reset your password", link=link,
            body=f"Open this link within 30 minutes to choose a new password: {link}\n"
                 "If you did not ask for it, ignore this message.",
        ))

    async def reset_password(self, token: str, password: str) -> None:
        """A new password from a reset link: the link is used up, every session ends, the
        lockout is cleared and the email counts as verified (the mail was read)."""
        async with self.db.session() as session:
            user_id = await peek_email_token(session, token, RESET)
            row = await session.get(UserRow, user_id) if user_id else None
        if row is None:
            raise BadRequest(BAD_RESET_LINK)
        passwords.check_password(password, row.email)  # a weak choice keeps the link usable
        password_hash = await passwords.hash_password_async(password)
        async with self.db.session() as session:
            if await use_email_token(session, token, RESET) != row.id:
                raise BadRequest(BAD_RESET_LINK)
            await self._store_password(session, row.id, password_hash)
            await session.execute(
                update(UserRow).where(UserRow.id == row.id).values(email_verified=True)
            )
        await self._audit(row.id, "auth.password_reset", by="emailed link")

    async def send_verification(self, user_id: str, base_url: str | None = None) -> None:
        async with self.db.session() as session:
            row = await session.get(UserRow, user_id)
            if row is None or row.email_verified:
                return
            token = await issue_email_token(session, row.id, VERIFY)
        base = (base_url or self.settings.public_url or "").rstrip("/")
        link = f"{base}/verify-email#token={token}"
        await self.mailer.send(MailMessage(
            to=row.email, subject="Pairpad: confirm your email address", link=link,
            body=f"Open this link within 24 hours to confirm your email address: {link}",
        ))

    async def verify_email(self, token: str) -> None:
        async with self.db.session() as session:
            user_id = await use_email_token(session, token, VERIFY)
            if user_id is None:
                raise BadRequest(BAD_VERIFY_LINK)
            await session.execute(
                update(UserRow).where(UserRow.id == user_id).values(email_verified=True)
            )

    # -- TOTP and recovery codes ------------------------------------------------------------

    async def totp_setup(self, user_id: str) -> TotpEnrolment:
        """A new secret, kept (encrypted) until enabled with a code; replaces a pending one."""
        row = await self._user(user_id)
        if row.totp_enabled:
            raise Conflict("Two-factor authentication is already on: turn it off first.")
        enrolment = new_enrolment(row.email)
        async with self.db.session() as session:
            await session.execute(
                update(UserRow).where(UserRow.id == user_id).values(
                    totp_secret_encrypted=self.totp_secrets.encrypt(enrolment.secret),
                    totp_last_step=None,
                )
            )
        return enrolment

    async def totp_enable(self, user_id: str, code: str) -> list[str]:
        """Turns TOTP on with a first code; returns ten new recovery codes (shown once)."""
        row = await self._user(user_id)
        if row.totp_enabled:
            raise Conflict("Two-factor authentication is already on.")
        if row.totp_secret_encrypted is None:
            raise BadRequest("Start the authenticator setup first.")
        secret = self.totp_secrets.decrypt(row.totp_secret_encrypted)
        step = matching_step(secret, code, utcnow(), row.totp_last_step)
        if step is None:
            raise BadRequest(
                "Wrong code: enter the newest code of the authenticator app (check its clock)."
            )
        codes = new_recovery_codes()
        async with self.db.session() as session:
            await session.execute(
                update(UserRow).where(UserRow.id == user_id)
                .values(totp_enabled=True, totp_last_step=step)
            )
            await self._replace_recovery_codes(session, user_id, codes)
        await self._audit(user_id, "auth.mfa_enabled", method="totp")
        return codes

    async def totp_disable(self, user_id: str, *, password: str | None = None,
                           code: str | None = None, ip: str = "") -> None:
        """Turns TOTP off after the password, a current code or a recovery code."""
        row = await self._user(user_id)
        if not row.totp_enabled:
            raise BadRequest("Two-factor authentication is not on.")
        self._check_locked(row)
        if password:
            proven = await passwords.verify_password_async(row.password_hash, password)
        elif code:
            proven = await self._second_factor_ok(row, code)
        else:
            raise Unprocessable("Enter your password or a code to turn two-factor off.")
        if not proven:
            await self._failed(row.id, ip)
            raise Forbidden("Wrong password or code.")
        async with self.db.session() as session:
            await session.execute(
                update(UserRow).where(UserRow.id == user_id).values(
                    totp_enabled=False, totp_secret_encrypted=None, totp_last_step=None,
                )
            )
            await session.execute(delete(RecoveryCodeRow).where(RecoveryCodeRow.user_id == user_id))
        await self._audit(user_id, "auth.mfa_disabled", method="totp",
                          proven_by="password" if password else "code")

    async def regenerate_recovery_codes(self, user_id: str) -> list[str]:
        row = await self._user(user_id)
        if not row.totp_enabled:
            raise BadRequest("Turn on two-factor authentication first.")
        codes = new_recovery_codes()
        async with self.db.session() as session:
            await self._replace_recovery_codes(session, user_id, codes)
        await self._audit(user_id, "auth.recovery_codes_regenerated")
        return codes

    async def recovery_codes_left(self, user_id: str) -> int:
        async with self.db.session() as session:
            count = await session.scalar(
                select(func.count()).select_from(RecoveryCodeRow)
                .where(RecoveryCodeRow.user_id == user_id, RecoveryCodeRow.used_at.is_(None))
            )
        return int(count or 0)

    # -- internals --------------------------------------------------------------------------

    async def _audit(self, actor: str, action: str, target: str | None = None,
                     **details: Detail) -> None:
        """One security event (target: the user acted on, by default the actor)."""
        if self.audit is not None:
            await self.audit.record(actor, action, target or f"user:{actor}", details)

    async def _audit_failed_login(self, actor: str, target: str, reason: str, ip: str,
                                  **details: Detail) -> None:
        await self._audit(actor, "auth.login_failed", target, reason=reason, ip=ip, **details)

    async def _pair(self, user_id: str, refresh_token: str, family_id: str) -> TokenPair:
        async with self.db.session() as session:
            version = await session.scalar(
                select(UserRow.token_version).where(UserRow.id == user_id)
            )
        if version is None:
            raise Unauthorized(SESSION_EXPIRED)
        ttl = self.settings.access_ttl_s
        access = self.signer.issue(user_id, token_type=ACCESS, ttl_s=ttl, version=version,
                                   session_id=family_id)
        return TokenPair(access, refresh_token, ttl, self.settings.refresh_ttl_s, family_id)

    async def _user(self, user_id: str) -> UserRow:
        async with self.db.session() as session:
            row = await session.get(UserRow, user_id)
        if row is None:
            raise Unauthorized(SESSION_EXPIRED)
        return row

    @staticmethod
    async def _by_email(session: AsyncSession, address: str) -> UserRow | None:
        return await session.scalar(select(UserRow).where(UserRow.email == address))

    def _check_address(self, ip: str) -> None:
        wait = self.address_throttle.retry_after(ip)
        if wait > 0:
            raise TooManyAttempts(math.ceil(wait))

    @staticmethod
    def _check_locked(row: UserRow) -> None:
        if row.locked_until is None:
            return
        wait = (as_utc(row.locked_until) - utcnow()).total_seconds()
        if wait > 0:
            raise TooManyAttempts(math.ceil(wait))

    async def _failed(self, user_id: str, ip: str) -> None:
        """One more failure for the account (and the address); locks when due."""
        self.address_throttle.failed(ip)
        async with self.db.session() as session:
            await session.execute(
                update(UserRow).where(UserRow.id == user_id)
                .values(failed_logins=UserRow.failed_logins + 1)
            )
            failures = await session.scalar(
                select(UserRow.failed_logins).where(UserRow.id == user_id)
            )
            until = locked_until(int(failures or 0), utcnow())
            if until is not None:
                await session.execute(
                    update(UserRow).where(UserRow.id == user_id).values(locked_until=until)
                )

    async def _reset_failures(self, user_id: str) -> None:
        async with self.db.session() as session:
            await session.execute(
                update(UserRow).where(UserRow.id == user_id)
                .values(failed_logins=0, locked_until=None)
            )

    async def _succeeded(self, row: UserRow, password: str) -> None:
        """Clears the failures; re-hashes a password stored with weaker parameters."""
        values: dict[str, object] = {}
        if row.failed_logins or row.locked_until is not None:
            values.update(failed_logins=0, locked_until=None)
        if row.password_hash and passwords.needs_rehash(row.password_hash):
            values["password_hash"] = await passwords.hash_password_async(password)
        if values:
            async with self.db.session() as session:
                await session.execute(update(UserRow).where(UserRow.id == row.id).values(values))

    async def _mfa_methods(self, row: UserRow) -> list[str]:
        methods = ["totp", "recovery"] if row.totp_enabled else []
        async with self.db.session() as session:
            passkeys = await session.scalar(
                select(func.count()).select_from(WebAuthnCredentialRow)
                .where(WebAuthnCredentialRow.user_id == row.id)
            )
        if passkeys:
            methods.append("passkey")
        return methods

    async def _second_factor_ok(self, row: UserRow, code: str) -> bool:
        if not row.totp_enabled:
            return False
        if looks_like_recovery_code(code):
            return await self._use_recovery_code(row.id, code)
        if row.totp_secret_encrypted is None:
            return False
        secret = self.totp_secrets.decrypt(row.totp_secret_encrypted)
        step = matching_step(secret, code, utcnow(), row.totp_last_step)
        if step is None:
            return False
        # The step is taken only if no concurrent request took it (or a later one) first.
        async with self.db.session() as session:
            result = await session.execute(
                update(UserRow)
                .where(UserRow.id == row.id,
                       (UserRow.totp_last_step.is_(None)) | (UserRow.totp_last_step < step))
                .values(totp_last_step=step)
            )
        return _rowcount(result) == 1

    async def _use_recovery_code(self, user_id: str, code: str) -> bool:
        given = recovery_code_digest(code)
        async with self.db.session() as session:
            rows = (await session.scalars(
                select(RecoveryCodeRow).where(RecoveryCodeRow.user_id == user_id,
                                              RecoveryCodeRow.used_at.is_(None))
            )).all()
            match = None
            for candidate in rows:  # every digest compared, in constant time
                if digests_match(given, candidate.code_hash) and match is None:
                    match = candidate
            if match is None:
                return False
            result = await session.execute(
                update(RecoveryCodeRow)
                .where(RecoveryCodeRow.id == match.id, RecoveryCodeRow.used_at.is_(None))
                .values(used_at=utcnow())
            )
        if _rowcount(result) != 1:
            return False
        await self._audit(user_id, "auth.recovery_code_used")
        return True

    @staticmethod
    async def _replace_recovery_codes(session: AsyncSession, user_id: str, codes: list[str]
                                      ) -> None:
        await session.execute(delete(RecoveryCodeRow).where(RecoveryCodeRow.user_id == user_id))
        session.add_all(
            RecoveryCodeRow(user_id=user_id, code_hash=recovery_code_digest(code))
            for code in codes
        )

    @staticmethod
    async def _bump_version(session: AsyncSession, user_id: str) -> None:
        await session.execute(
            update(UserRow).where(UserRow.id == user_id)
            .values(token_version=UserRow.token_version + 1)
        )

    async def _set_password(self, user_id: str, password_hash: str) -> None:
        async with self.db.session() as session:
            await self._store_password(session, user_id, password_hash)

    async def _store_password(self, session: AsyncSession, user_id: str, password_hash: str
                              ) -> None:
        """New password: older access tokens refused, every session revoked, lock cleared."""
        await session.execute(
            update(UserRow).where(UserRow.id == user_id).values(
                password_hash=password_hash, failed_logins=0, locked_until=None,
                token_version=UserRow.token_version + 1,
            )
        )
        await self.sessions.revoke_all(user_id, session)
