"""The one-time URL token of local mode, and the cookies it turns into."""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

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


def load_or_create_token(path: Path) -> str:
    """The token kept in the data dir (0600), so a restarted server keeps the browser's
    cookie valid and its tabs reconnect; a new one is made on first use."""
    try:
        existing = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        existing = ""
    if len(existing) >= 32:
        return existing
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = new_token()
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(token)
    os.replace(temp, path)
    return token
