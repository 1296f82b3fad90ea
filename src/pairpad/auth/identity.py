"""Who is calling: resolves request credentials to an Identity (jupyter_server's split)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Literal

from pairpad.auth.local_token import auth_cookie_name, auth_cookie_value, tokens_match
from pairpad.auth.throttle import FailureThrottle

CredentialKind = Literal["bearer", "cookie", "socket-auth"]


@dataclass(frozen=True)
class Identity:
    user_id: str
    via: CredentialKind
    # Team mode: the user's role in the team owning the workspace asked for (auth/roles.py);
    # None outside a workspace and in local mode.
    role: str | None = None
    # The workspace `role` was looked up for with the token (one query for both); None
    # when it was not, and the dispatcher asks.
    role_for: str | None = None


NOT_AUTHENTICATED = (
    "Not authenticated: open the URL with ?token= printed by `pairpad open`, "
    "or send `Authorization: Bearer TOKEN`."
)


@dataclass(frozen=True)
class Refused:
    status: int
    detail: str
    retry_after: int | None = None


def parse_cookies(header_value: str | None) -> dict[str, str]:
    if not header_value:
        return {}
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header_value)
    except Exception:  # a malformed cookie header authenticates nobody
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


def bearer_token(authorization: str) -> str | None:
    scheme, _, value = authorization.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


class LocalTokenIdentityProvider:
    """Local mode: the machine's owner is whoever presents the server's token (or the cookie
    derived from it). Failed token attempts are counted per client by `throttle`."""

    LOCAL_USER = "local"

    def __init__(self, token: str, throttle: FailureThrottle | None = None) -> None:
        self._token = token
        self.cookie_value = auth_cookie_value(token)
        self.throttle = throttle or FailureThrottle()

    @property
    def token(self) -> str:
        return self._token

    def authenticate(
        self,
        *,
        authorization: str | None,
        cookie_header: str | None,
        token: str | None,
        port: int | None,
        client: str,
    ) -> Identity | Refused:
        """A presented token (Bearer header, or `token` from the URL or Socket.IO auth) is
        throttled per client; otherwise the cookie is checked. A wrong Bearer is never
        rescued by a cookie."""
        if not authorization and token is None:
            return self.from_cookie(cookie_header, port) or Refused(401, NOT_AUTHENTICATED)
        wait = self.throttle.retry_after(client)
        if wait > 0:
            seconds = math.ceil(wait)
            return Refused(429, f"Too many wrong tokens: try again in {seconds} s.", seconds)
        if authorization:
            identity = self.from_headers(authorization, None, port)
        else:
            identity = self.from_token(token)
        if identity is None:
            self.throttle.failed(client)
            return Refused(401, "Invalid token.")
        return identity

    def from_headers(
        self, authorization: str | None, cookie_header: str | None, port: int | None
    ) -> Identity | None:
        if authorization:
            token = bearer_token(authorization)
            return Identity(self.LOCAL_USER, "bearer") if self.token_is_valid(token) else None
        return self.from_cookie(cookie_header, port)

    def from_cookie(self, cookie_header: str | None, port: int | None) -> Identity | None:
        if not cookie_header:
            return None
        value = parse_cookies(cookie_header).get(auth_cookie_name(port))
        if not tokens_match(value, self.cookie_value):
            return None
        return Identity(self.LOCAL_USER, "cookie")

    def from_token(self, token: str | None) -> Identity | None:
        return Identity(self.LOCAL_USER, "socket-auth") if self.token_is_valid(token) else None

    def token_is_valid(self, token: str | None) -> bool:
        return tokens_match(token, self._token)
