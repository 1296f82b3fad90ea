"""Signed access tokens (JWT, HS256) and the short "mfa" token of a sign-in's second step.

Decoding names its algorithm (HS256 only: `none` and RS256/HS confusion are refused by
PyJWT before any key is used), requires every claim, and checks issuer, audience, the
token's type and its times. The key is 32 random bytes shared by all instances through the
server_secrets table.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import jwt

from pairpad.accounts.clock import utcnow

ALGORITHM = "HS256"
AUDIENCE = "pairpad"
DEFAULT_ISSUER = "pairpad"
TokenType = Literal["access", "mfa"]
ACCESS: TokenType = "access"
MFA: TokenType = "mfa"
MFA_TTL_S = 5 * 60
REQUIRED_CLAIMS = ["iss", "aud", "sub", "exp", "nbf", "iat", "jti", "typ", "ver"]
# Clocks of several instances differ a little; an expired token is refused after this.
LEEWAY_S = 5


class InvalidToken(Exception):
    """The token is not one this server issued for this use (or it expired)."""


@dataclass(frozen=True)
class Claims:
    user_id: str
    token_type: str
    version: int
    jti: str
    expires_at: datetime
    session_id: str | None  # the refresh family an access token was issued with


class TokenSigner:
    def __init__(self, key: bytes, issuer: str = DEFAULT_ISSUER) -> None:
        if len(key) < 32:
            raise ValueError("the JWT signing key needs at least 32 bytes")
        self._key = key
        self.issuer = issuer

    def issue(
        self,
        user_id: str,
        *,
        token_type: TokenType,
        ttl_s: int,
        version: int,
        session_id: str | None = None,
        now: datetime | None = None,
    ) -> str:
        issued = now or utcnow()
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "sub": user_id,
            "iat": issued,
            "nbf": issued,
            "exp": issued + timedelta(seconds=ttl_s),
            "jti": secrets.token_urlsafe(16),
            "typ": token_type,
            "ver": version,
        }
        if session_id is not None:
            claims["sid"] = session_id
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def decode(self, token: str, *, token_type: TokenType) -> Claims:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=self.issuer,
                leeway=LEEWAY_S,
                options={"require": REQUIRED_CLAIMS, "verify_signature": True},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(str(error)) from error
        sub, typ, ver, jti = claims["sub"], claims["typ"], claims["ver"], claims["jti"]
        if typ != token_type:
            raise InvalidToken(f"a {typ!r} token is not an {token_type!r} token")
        if not isinstance(sub, str) or not isinstance(ver, int) or isinstance(ver, bool):
            raise InvalidToken("malformed claims")
        sid = claims.get("sid")
        return Claims(
            user_id=sub,
            token_type=typ,
            version=ver,
            jti=str(jti),
            expires_at=datetime.fromtimestamp(int(claims["exp"]), tz=utcnow().tzinfo),
            session_id=sid if isinstance(sid, str) else None,
        )
