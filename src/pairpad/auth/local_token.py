"""The one-time URL token of local mode, and the cookies it turns into."""

from __future__ import annotations

import hmac
import secrets

AUTH_COOKIE = "pairpad_token"
XSRF_COOKIE = "_xsrf"
XSRF_HEADER = "x-xsrf-token"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_xsrf_value() -> str:
    return secrets.token_urlsafe(24)


def tokens_match(given: str | None, expected: str) -> bool:
    """Constant-time comparison, so the token cannot be guessed byte by byte."""
    if not given:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())
