from __future__ import annotations

import stat
from pathlib import Path

from pairpad.auth.identity import LocalTokenIdentityProvider, parse_cookies
from pairpad.auth.local_token import auth_cookie_value, load_or_create_token

TOKEN = "s3cret-token"
PORT = 8712
COOKIE = f"pairpad_auth_{PORT}={auth_cookie_value(TOKEN)}"


def test_bearer_and_cookie() -> None:
    provider = LocalTokenIdentityProvider(TOKEN)
    assert provider.from_headers(f"Bearer {TOKEN}", None, PORT) is not None
    assert provider.from_headers(f"bearer {TOKEN}", None, PORT) is not None
    assert provider.from_headers(None, f"a=1; {COOKIE}", PORT) is not None
    assert provider.from_headers(None, None, PORT) is None


def test_finding_10_cookie_is_per_port_and_not_the_token() -> None:
    provider = LocalTokenIdentityProvider(TOKEN)
    assert TOKEN not in auth_cookie_value(TOKEN)
    assert provider.from_headers(None, f"pairpad_auth_{PORT}={TOKEN}", PORT) is None
    assert provider.from_headers(None, f"pairpad_token={TOKEN}", PORT) is None
    assert provider.from_headers(None, COOKIE, PORT + 1) is None  # another server's port


def test_a_wrong_bearer_is_not_rescued_by_a_cookie() -> None:
    provider = LocalTokenIdentityProvider(TOKEN)
    assert provider.from_headers("Bearer nope", COOKIE, PORT) is None


def test_other_schemes_and_prefixes_fail() -> None:
    provider = LocalTokenIdentityProvider(TOKEN)
    assert provider.from_headers(f"Basic {TOKEN}", None, PORT) is None
    assert provider.from_headers(f"Bearer {TOKEN[:-1]}", None, PORT) is None
    assert provider.from_token("") is None
    assert provider.from_token(TOKEN) is not None


def test_malformed_cookie_header_authenticates_nobody() -> None:
    assert "pairpad_token" not in parse_cookies('pairpad_token="unterminated')
    provider = LocalTokenIdentityProvider(TOKEN)
    assert provider.from_headers(None, '=;;"\x00', PORT) is None


def test_token_file_is_created_once_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "data" / "token"
    first = load_or_create_token(path)
    assert len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_token(path) == first


def test_a_truncated_token_file_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text("short")
    assert load_or_create_token(path) != "short"
