"""WebAuthn passkeys (the `webauthn` package): registered by a signed-in user, used as a
second factor after a password (with the login's mfa token) or alone (passwordless, a
discoverable credential names its user; user verification is then required, so the passkey
is two factors by itself).

Each ceremony's challenge is 32 random bytes kept server-side (auth_challenges, id = the
challenge in base64url, purposes "webauthn-register" / "webauthn-login", 5 minutes, single
use) with the relying party it was issued for. The relying party is the public URL's host
(TeamSettings.public_url) or else the request's own origin.

Sign counts: each use must raise the stored count; a count that goes backwards (or stays)
means two authenticators hold the same key — a clone — and the sign-in is refused.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authenticator_data,
    parse_client_data_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from pairpad.accounts import signin_store as store
from pairpad.accounts.challenges import ChallengeStore
from pairpad.accounts.clock import as_utc, utcnow
from pairpad.accounts.errors import Unauthorized
from pairpad.accounts.hashing import new_id
from pairpad.accounts.settings import TeamSettings
from pairpad.audit.trail import AuditSink
from pairpad.errors import BadRequest, Conflict, NotFound
from pairpad.storage.db import Database
from pairpad.storage.team_tables import WebAuthnCredentialRow

log = logging.getLogger(__name__)

REGISTER = "webauthn-register"
LOGIN = "webauthn-login"
CHALLENGE_TTL_S = 5 * 60
TIMEOUT_MS = CHALLENGE_TTL_S * 1000
RP_NAME = "Pairpad"
MAX_NAME = 100
UNKNOWN_CHALLENGE = (
    "This passkey answer is for a challenge this server did not issue, or one already used "
    "or expired: ask for new options and try again."
)
NOT_VERIFIED = "The passkey could not be verified."
CLONED = (
    "This passkey's signature counter went backwards: the key may have been copied to another "
    "device. Sign-in refused; remove this passkey and register a new one."
)


@dataclass(frozen=True)
class RelyingParty:
    id: str  # the host name
    origin: str  # scheme://host[:port]


@dataclass(frozen=True)
class PasskeyInfo:
    id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    transports: list[str]


def relying_party(public_url: str | None, request_origin: str) -> RelyingParty:
    """From the configured public URL, else the origin the request came to."""
    parts = urlsplit(public_url or request_origin)
    if not parts.scheme or not parts.hostname:
        raise BadRequest("The server's public URL is not known: set --public-url.")
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    return RelyingParty(parts.hostname.lower(), origin)


class PasskeyService:
    def __init__(self, db: Database, settings: TeamSettings, *,
                 audit: AuditSink | None = None) -> None:
        self._db = db
        self._settings = settings
        self._challenges = ChallengeStore(db)
        self._audit = audit  # passkeys added and removed (None: not recorded)

    def relying_party(self, request_origin: str) -> RelyingParty:
        return relying_party(self._settings.public_url, request_origin)

    async def registration_options(self, user_id: str, rp: RelyingParty) -> dict[str, Any]:
        """navigator.credentials.create() options (JSON form) for a new passkey."""
        async with self._db.session() as session:
            user = await store.user_by_id(session, user_id)
            if user is None:
                raise NotFound("No such user.")
            existing = await store.passkeys_of(session, user_id)
        challenge = secrets.token_bytes(32)
        options = generate_registration_options(
            rp_id=rp.id, rp_name=RP_NAME, user_name=user.email,
            user_id=user.id.encode("ascii"),  # random, not personal: the user's id
            user_display_name=user.display_name or user.email, challenge=challenge,
            timeout=TIMEOUT_MS,
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.PREFERRED,
                user_verification=UserVerificationRequirement.PREFERRED,
            ),
            exclude_credentials=[_descriptor(row) for row in existing],
        )
        await self._challenges.create(
            bytes_to_base64url(challenge), REGISTER, {"rp_id": rp.id, "origin": rp.origin},
            ttl_s=CHALLENGE_TTL_S, user_id=user_id,
        )
        return _json(options_to_json(options))

    async def register(
        self, user_id: str, credential: dict[str, Any], name: str = ""
    ) -> PasskeyInfo:
        challenge = await self._take(credential, REGISTER)
        if challenge.user_id != user_id:
            raise BadRequest(UNKNOWN_CHALLENGE)
        try:
            verified = verify_registration_response(
                credential=credential,
                expected_challenge=base64url_to_bytes(challenge.id),
                expected_rp_id=str(challenge.data["rp_id"]),
                expected_origin=str(challenge.data["origin"]),
            )
        except WebAuthnException as error:
            raise BadRequest(f"The new passkey could not be verified: {error}") from error
        transports = _transports(credential)
        async with self._db.session() as session:
            count = await store.count_passkeys(session, user_id)
        row = WebAuthnCredentialRow(
            id=new_id(), user_id=user_id,
            credential_id=bytes_to_base64url(verified.credential_id),
            public_key=verified.credential_public_key, sign_count=verified.sign_count,
            transports=transports,
            name=(name.strip() or f"Passkey {count + 1}")[:MAX_NAME], created_at=utcnow(),
        )
        try:
            async with self._db.session() as session:
                session.add(row)
        except IntegrityError as error:
            raise Conflict("This passkey is already registered.") from error
        if self._audit is not None:
            await self._audit.record(user_id, "auth.passkey_added", f"user:{user_id}",
                                     {"passkey_id": row.id, "name": row.name})
        return _info(row)

    async def of_user(self, user_id: str) -> list[PasskeyInfo]:
        async with self._db.session() as session:
            return [_info(row) for row in await store.passkeys_of(session, user_id)]

    async def remove(self, user_id: str, passkey_id: str) -> None:
        async with self._db.session() as session:
            row = await session.get(WebAuthnCredentialRow, passkey_id)
            if row is None or row.user_id != user_id:
                raise NotFound("No such passkey on this account.")
            await session.delete(row)
        if self._audit is not None:
            await self._audit.record(user_id, "auth.passkey_removed", f"user:{user_id}",
                                     {"passkey_id": passkey_id})

    async def authentication_options(
        self, rp: RelyingParty, user_id: str | None = None
    ) -> dict[str, Any]:
        """navigator.credentials.get() options: for `user_id` (a second factor: that user's
        passkeys), else for any discoverable passkey (passwordless, verification required)."""
        allow: list[PublicKeyCredentialDescriptor] = []
        if user_id is not None:
            async with self._db.session() as session:
                allow = [_descriptor(row) for row in await store.passkeys_of(session, user_id)]
            if not allow:
                raise BadRequest("This account has no passkey.")
        challenge = secrets.token_bytes(32)
        # Passwordless: the passkey is both factors, so the authenticator must verify the user.
        verification = UserVerificationRequirement.REQUIRED
        if user_id is not None:
            verification = UserVerificationRequirement.PREFERRED
        options = generate_authentication_options(
            rp_id=rp.id, challenge=challenge, timeout=TIMEOUT_MS, allow_credentials=allow,
            user_verification=verification,
        )
        await self._challenges.create(
            bytes_to_base64url(challenge), LOGIN,
            {"rp_id": rp.id, "origin": rp.origin, "uv": user_id is None},
            ttl_s=CHALLENGE_TTL_S, user_id=user_id,
        )
        return _json(options_to_json(options))

    async def authenticate(self, credential: dict[str, Any], user_id: str | None = None) -> str:
        """The user the assertion signs in. `user_id`: the user of the login's first step
        (a second factor); the options must have been asked for the same user."""
        challenge = await self._take(credential, LOGIN)
        if challenge.user_id != user_id:
            raise BadRequest(UNKNOWN_CHALLENGE)
        async with self._db.session() as session:
            row = await store.passkey_by_credential(session, _credential_id(credential))
        if row is None or (user_id is not None and row.user_id != user_id):
            raise Unauthorized("This passkey is not registered on this server.")
        handle = _user_handle(credential)
        if handle is not None and handle != row.user_id.encode("ascii"):
            raise Unauthorized(NOT_VERIFIED)
        if _sign_count_regressed(credential, row.sign_count):
            log.warning("passkey %s of user %s: sign count went backwards", row.id, row.user_id)
            raise Unauthorized(CLONED)
        try:
            verified = verify_authentication_response(
                credential=credential,
                expected_challenge=base64url_to_bytes(challenge.id),
                expected_rp_id=str(challenge.data["rp_id"]),
                expected_origin=str(challenge.data["origin"]),
                credential_public_key=row.public_key,
                credential_current_sign_count=row.sign_count,
                require_user_verification=bool(challenge.data.get("uv")),
            )
        except WebAuthnException as error:
            raise Unauthorized(f"{NOT_VERIFIED} {error}") from error
        async with self._db.session() as session:
            stored = await session.get(WebAuthnCredentialRow, row.id)
            if stored is None:
                raise Unauthorized("This passkey was just removed.")
            # Checked again under this write: two uses of one count cannot both pass.
            if verified.new_sign_count and verified.new_sign_count <= stored.sign_count:
                raise Unauthorized(CLONED)
            stored.sign_count = verified.new_sign_count
            stored.last_used_at = utcnow()
        return row.user_id

    async def _take(self, credential: dict[str, Any], purpose: str) -> Any:
        challenge_id = _challenge_of(credential)
        challenge = await self._challenges.take(challenge_id, purpose) if challenge_id else None
        if challenge is None:
            raise BadRequest(UNKNOWN_CHALLENGE)
        return challenge


def _challenge_of(credential: dict[str, Any]) -> str | None:
    """The challenge the client says it answered (checked again by the verification)."""
    try:
        response = credential["response"]
        client_data = parse_client_data_json(base64url_to_bytes(response["clientDataJSON"]))
    except (KeyError, TypeError, ValueError, WebAuthnException):
        return None
    return bytes_to_base64url(client_data.challenge)


def _sign_count_regressed(credential: dict[str, Any], stored: int) -> bool:
    try:
        data = parse_authenticator_data(
            base64url_to_bytes(credential["response"]["authenticatorData"])
        )
    except (KeyError, TypeError, ValueError, WebAuthnException) as error:
        raise Unauthorized(NOT_VERIFIED) from error
    # A count of 0 on both sides: an authenticator that keeps no counter (allowed).
    return (data.sign_count > 0 or stored > 0) and data.sign_count <= stored


def _credential_id(credential: dict[str, Any]) -> str:
    """The credential id in the stored form (unpadded base64url)."""
    try:
        return bytes_to_base64url(base64url_to_bytes(str(credential.get("rawId") or "")))
    except ValueError:
        return ""


def _user_handle(credential: dict[str, Any]) -> bytes | None:
    value = (credential.get("response") or {}).get("userHandle")
    if not value:
        return None
    try:
        return base64url_to_bytes(str(value))
    except ValueError as error:
        raise Unauthorized(NOT_VERIFIED) from error


def _transports(credential: dict[str, Any]) -> list[str]:
    given = (credential.get("response") or {}).get("transports") or []
    known = {item.value for item in AuthenticatorTransport}
    return [str(item) for item in given if item in known] if isinstance(given, list) else []


def _descriptor(row: WebAuthnCredentialRow) -> PublicKeyCredentialDescriptor:
    known = {item.value for item in AuthenticatorTransport}
    return PublicKeyCredentialDescriptor(
        id=base64url_to_bytes(row.credential_id),
        transports=[AuthenticatorTransport(t) for t in row.transports or [] if t in known],
    )


def _info(row: WebAuthnCredentialRow) -> PasskeyInfo:
    return PasskeyInfo(
        id=row.id, name=row.name, created_at=as_utc(row.created_at),
        last_used_at=as_utc(row.last_used_at) if row.last_used_at else None,
        transports=list(row.transports or []),
    )


def _json(text: str) -> dict[str, Any]:
    value = json.loads(text)
    assert isinstance(value, dict)
    return value
