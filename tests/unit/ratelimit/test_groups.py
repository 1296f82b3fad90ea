"""Which group a request counts in."""

from __future__ import annotations

import pytest

from pairpad.ratelimit.groups import group_of


@pytest.mark.parametrize(("method", "path", "signed_in", "group"), [
    ("GET", "/api/files", True, "user"),
    ("GET", "/api/files", False, "anonymous"),
    ("POST", "/api/conversations", True, "user"),
    ("POST", "/api/complete", True, "completion"),
    ("POST", "/api/complete/warm", True, "user"),
    ("POST", "/api/complete", False, "anonymous"),
    ("POST", "/api/auth/login", False, "auth"),
    ("POST", "/api/auth/refresh", True, "auth"),  # per address even with an access cookie
    ("POST", "/api/auth/mfa/verify", False, "auth"),
    ("POST", "/api/auth/register", False, "auth"),
    ("POST", "/api/auth/password/forgot", False, "auth"),
    ("POST", "/api/auth/password/reset", False, "auth"),
    ("POST", "/api/auth/passkeys/login/options", False, "auth"),
    ("POST", "/api/auth/passkeys/login/verify", False, "auth"),
    ("GET", "/api/auth/oauth/github/start", False, "auth"),
    ("GET", "/api/auth/oauth/github/callback", False, "auth"),
    ("GET", "/api/auth/oauth/links", True, "user"),
    ("GET", "/api/auth/me", True, "user"),
    ("GET", "/api/auth/login", False, "anonymous"),  # no such route: a 405 for anybody
    ("GET", "/api/health", False, None),
    ("GET", "/api/health/ready", True, None),
    ("GET", "/api/health/live", False, None),
    ("GET", "/metrics", False, None),
    ("GET", "/", True, None),
    ("GET", "/assets/index.js", False, None),
    ("GET", "/socket.io/", True, None),
])
def test_group_of(method: str, path: str, signed_in: bool, group: str | None) -> None:
    assert group_of(method, path, signed_in=signed_in) == group
