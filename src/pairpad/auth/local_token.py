"""The one-time URL token of local mode, and the cookies it turns into."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

# Browsers send a 127.0.0.1 cookie to every port of that host, so the name carries this
# server's port (two servers, or another local web server, never see or clobber it), and the
# value is an HMAC of the token: a server that receives it learns nothing it could use as the
# token (the URL login, the Bearer header, the CLI).
AUTH_COOKIE_PREFIX = "pairpad_auth_"
XSRF_COOKIE = "_xsrf"
XSRF_HEADER = "x-xsrf-token"


def auth_cookie_name(port: int | None) -> str:
    return f"{AUTH_COOKIE_PREFIX}{port if port is not None else 0}"


def auth_cookie_value(token: str) -> str:
    return hmac.new(token.encode(), b"pairpad auth cookie v1", hashlib.sha256).hexdigest()


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
