"""OAuth 2 / OpenID Connect sign-in (authlib): GitHub and Google presets and any OpenID
Connect issuer by discovery.

A sign-in keeps its state server-side (auth_challenges, purpose "oauth", 10 minutes, single
use): the `state` is the row's id, with the `nonce`, the PKCE S256 verifier, the redirect URI,
where to go after, and a digest of a key held in this browser's cookie (so a callback URL
carried into another browser — login CSRF — is refused).

Who signed in becomes a user of Pairpad this way:
- the provider's subject is already linked (oauth_identities) → that user;
- else the provider's *verified* email is an existing account's → nothing is linked: a link
  waits (purpose "oauth-link") until that account's owner, signed in with their own password
  and second factor, confirms it in the same browser;
- else a new user (when registration is open) with the provider's email (and its verified
  flag). An unverified email that matches an existing account is refused, never linked.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from authlib.common.security import generate_token  # type: ignore[import-untyped]
from sqlalchemy.exc import IntegrityError

from pairpad.accounts import signin_store as store
from pairpad.accounts.challenges import ChallengeStore
from pairpad.accounts.clock import as_utc
from pairpad.accounts.hashing import digest, new_id
from pairpad.accounts.oauth_exchange import ProviderIdentity, exchange, oauth_client
from pairpad.accounts.oauth_providers import ProviderDirectory, label_of
from pairpad.accounts.settings import TeamSettings
from pairpad.errors import BadRequest, Conflict, Forbidden, NotFound
from pairpad.storage.db import Database
from pairpad.storage.team_tables import OAuthIdentityRow, UserRow

PURPOSE = "oauth"
LINK_PURPOSE = "oauth-link"
STATE_TTL_S = 10 * 60
LINK_TTL_S = 10 * 60
MAX_NEXT = 2000

UNKNOWN_STATE = (
    "This sign-in is unknown, expired or already used (the `state` does not match one this "
    "server started): start the sign-in again."
)
OTHER_BROWSER = "This sign-in was started in another browser: start it again here."


@dataclass(frozen=True)
class ProviderInfo:
    name: str
    label: str


@dataclass(frozen=True)
class OAuthOutcome:
    """The end of a callback: a user to sign in (after their second factor, if they enrolled
    one), or a link waiting for confirmation at /account/link?handle=…"""

    next_path: str
    user_id: str | None = None
    created: bool = False
    link_handle: str | None = None


@dataclass(frozen=True)
class PendingLink:
    handle: str
    provider: str
    label: str
    email: str
    expires_at: datetime


@dataclass(frozen=True)
class LinkedProvider:
    provider: str
    label: str
    email: str
    created_at: datetime


def safe_next(value: str | None) -> str:
    """A same-site relative path to go to after signing in; anything else (another site,
    `//host`, a backslash trick, a scheme, control characters) is refused."""
    if not value:
        return "/"
    if (
        len(value) > MAX_NEXT
        or not value.startswith("/")
        or value.startswith(("//", "/\\"))
        or "\\" in value
        or any(ord(char) < 0x20 or ord(char) == 0x7F for char in value)
    ):
        raise BadRequest("`next` must be a path on this site (like /w/ID/), not another site.")
    return value


class OAuthService:
    def __init__(self, db: Database, settings: TeamSettings) -> None:
        self._db = db
        self._settings = settings
        self._challenges = ChallengeStore(db)
        self.directory = ProviderDirectory(settings.oauth)

    def providers(self) -> list[ProviderInfo]:
        """The configured providers, for the sign-in page's buttons (/api/auth/config)."""
        return [ProviderInfo(p.name, label_of(p)) for p in self.directory.all()]

    async def start(
        self, provider_name: str, *, redirect_uri: str, next_path: str | None, browser_key: str
    ) -> str:
        """The provider's authorization URL for a new sign-in (state, nonce, PKCE stored)."""
        provider = self.directory.get(provider_name)
        target = safe_next(next_path)
        endpoints = await self.directory.endpoints(provider)
        state = secrets.token_urlsafe(32)
        nonce = secrets.token_urlsafe(32)
        verifier = generate_token(64)  # RFC 7636: 43 to 128 unreserved characters
        extra = {"nonce": nonce} if endpoints.kind == "oidc" else {}
        async with oauth_client(provider, endpoints, redirect_uri) as client:
            url, _ = client.create_authorization_url(
                endpoints.authorize, state=state, code_verifier=verifier, **extra
            )
        await self._challenges.create(
            state, PURPOSE,
            {"provider": provider.name, "nonce": nonce, "verifier": verifier,
             "redirect_uri": redirect_uri, "next": target, "browser": digest(browser_key)},
            ttl_s=STATE_TTL_S,
        )
        return str(url)

    async def finish(
        self, provider_name: str, params: Mapping[str, str], *, browser_key: str | None
    ) -> OAuthOutcome:
        """The callback: state taken (single use), the response's `iss` checked, the code
        exchanged, the ID token checked, the account resolved."""
        provider = self.directory.get(provider_name)
        challenge = await self._challenges.take(params.get("state", ""), PURPOSE)
        if challenge is None or challenge.data.get("provider") != provider.name:
            raise BadRequest(UNKNOWN_STATE)
        data = challenge.data
        if not browser_key or not hmac.compare_digest(digest(browser_key), str(data["browser"])):
            raise BadRequest(OTHER_BROWSER)
        endpoints = await self.directory.endpoints(provider)
        # RFC 9207: an `iss` in the response must be this provider's (mix-up attacks).
        iss = params.get("iss")
        if iss is not None and iss != endpoints.issuer:
            raise BadRequest(
                f"The authorization response names the issuer {iss!r}, not {provider.name}'s."
            )
        if iss is None and endpoints.iss_param_required:
            raise BadRequest(f"The authorization response from {provider.name} lacks `iss`.")
        if "error" in params:
            reason = params.get("error_description") or params["error"]
            raise BadRequest(f"{provider.name} did not sign you in: {reason}.")
        code = params.get("code")
        if not code:
            raise BadRequest(f"The answer from {provider.name} carries no authorization code.")
        who = await exchange(
            self.directory, provider, code=code, redirect_uri=str(data["redirect_uri"]),
            verifier=str(data["verifier"]), nonce=str(data["nonce"]),
        )
        return await self._resolve(provider.name, who, str(data["next"]), str(data["browser"]))

    async def _resolve(
        self, provider: str, who: ProviderIdentity, next_path: str, browser: str
    ) -> OAuthOutcome:
        async with self._db.session() as session:
            linked = await store.identity(session, provider, who.subject)
            if linked is not None:
                return OAuthOutcome(next_path, linked.user_id)
            existing = await store.user_by_email(session, who.email) if who.email else None
        if existing is not None:
            if not who.email_verified:
                raise Conflict(
                    f"An account with this email exists, and {provider} does not say the email "
                    "is verified, so it cannot be linked: sign in with your password."
                )
            handle = secrets.token_urlsafe(32)
            await self._challenges.create(
                handle, LINK_PURPOSE,
                {"provider": provider, "subject": who.subject, "email": who.email,
                 "next": next_path, "browser": browser},
                ttl_s=LINK_TTL_S, user_id=existing.id,
            )
            return OAuthOutcome(next_path, link_handle=handle)
        if not self._settings.open_registration:
            raise Forbidden("Registration on this server is closed: ask an admin for an account.")
        if not who.email:
            raise BadRequest(f"{provider} did not share an email address, which an account needs.")
        user_id = new_id()
        try:
            async with self._db.session() as session:
                session.add(UserRow(
                    id=user_id, email=who.email, email_verified=who.email_verified,
                    display_name=who.name, password_hash=None,
                ))
                await session.flush()
                session.add(OAuthIdentityRow(
                    user_id=user_id, provider=provider, subject=who.subject, email=who.email,
                ))
        except IntegrityError as error:  # the same account made at once by another sign-in
            raise Conflict("This account was just made by another sign-in: try again.") from error
        return OAuthOutcome(next_path, user_id, created=True)

    async def pending_link(self, handle: str, user_id: str) -> PendingLink:
        """What a waiting link is (for the confirmation page), to its account's owner only."""
        challenge = await self._challenges.peek(handle, LINK_PURPOSE)
        if challenge is None or challenge.user_id != user_id:
            raise NotFound("No such link is waiting for this account (expired or used?).")
        return self._pending(challenge.id, challenge.data, challenge.expires_at)

    async def confirm_link(self, user_id: str, handle: str, browser_key: str | None) -> PendingLink:
        """Link the provider's identity to `user_id`, the signed-in owner of the account
        whose email matched, in the browser that came back from the provider."""
        challenge = await self._challenges.peek(handle, LINK_PURPOSE)
        if challenge is None or challenge.user_id != user_id:
            raise NotFound("No such link is waiting for this account (expired or used?).")
        if not browser_key or not hmac.compare_digest(
            digest(browser_key), str(challenge.data.get("browser", ""))
        ):
            raise Forbidden(
                "Confirm the link in the browser that signed in with the provider."
            )
        taken = await self._challenges.take(handle, LINK_PURPOSE)
        if taken is None:
            raise NotFound("No such link is waiting for this account (expired or used?).")
        data = taken.data
        try:
            async with self._db.session() as session:
                if await store.identity(session, str(data["provider"]), str(data["subject"])):
                    raise Conflict("This provider account is already linked to an account.")
                session.add(OAuthIdentityRow(
                    user_id=user_id, provider=str(data["provider"]),
                    subject=str(data["subject"]), email=str(data["email"]),
                ))
        except IntegrityError as error:
            raise Conflict("This provider account is already linked to an account.") from error
        return self._pending(taken.id, data, taken.expires_at)

    def _pending(self, handle: str, data: Mapping[str, object], expires: datetime) -> PendingLink:
        name = str(data["provider"])
        configured = {p.name: label_of(p) for p in self.directory.all()}
        label = configured.get(name, name)
        return PendingLink(handle, name, label, str(data["email"]), expires)

    async def links(self, user_id: str) -> list[LinkedProvider]:
        async with self._db.session() as session:
            rows = await store.identities_of(session, user_id)
        labels = {p.name: p.label for p in self.providers()}
        return [
            LinkedProvider(row.provider, labels.get(row.provider, row.provider), row.email,
                           as_utc(row.created_at))
            for row in rows
        ]

    async def unlink(self, user_id: str, provider: str) -> None:
        """Remove a link, unless it is the account's last way to sign in."""
        async with self._db.session() as session:
            user = await store.user_by_id(session, user_id)
            rows = await store.identities_of(session, user_id)
            if user is None or not any(row.provider == provider for row in rows):
                raise NotFound(f"No {provider} sign-in is linked to this account.")
            others = [row for row in rows if row.provider != provider]
            if not user.password_hash and not others and not await store.count_passkeys(
                session, user_id
            ):
                raise Conflict(
                    "This is the account's only way to sign in: set a password or add a "
                    "passkey first."
                )
            await store.delete_identities(session, user_id, provider)

