"""Who is calling: resolves request credentials to an Identity (jupyter_server's split)."""

from __future__ import annotations

from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Literal

from pairpad.auth.local_token import AUTH_COOKIE, tokens_match

CredentialKind = Literal["bearer", "cookie", "socket-auth"]


@dataclass(frozen=True)
class Identity:
    user_id: str
    via: CredentialKind


def parse_cookies(header_value: str | None) -> dict[str, str]:
    if not header_value:
        return {}
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header_value)
    except Exception:  # a malformed cookie header authenticates nobody
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


class LocalTokenIdentityProvider:
    """Local mode: the machine's owner is whoever presents the server's token."""

    LOCAL_USER = "local"

    def __init__(self, token: str) -> None:
        self._token = token

    @property
    def token(self) -> str:
        return self._token

    def from_headers(self, authorization: str | None, cookie_header: str | None) -> Identity | None:
        if authorization:
            scheme, _, value = authorization.partition(" ")
            if scheme.lower() == "bearer" and tokens_match(value.strip(), self._token):
                return Identity(self.LOCAL_USER, "bearer")
            return None
        if tokens_match(parse_cookies(cookie_header).get(AUTH_COOKIE), self._token):
            return Identity(self.LOCAL_USER, "cookie")
        return None

    def from_token(self, token: str | None) -> Identity | None:
        return (
            Identity(self.LOCAL_USER, "socket-auth") if tokens_match(token, self._token) else None
        )

    def token_is_valid(self, token: str | None) -> bool:
        return tokens_match(token, self._token)
