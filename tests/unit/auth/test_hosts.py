from __future__ import annotations

import pytest

from pairpad.auth.hosts import allowed_host_names, host_name


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("localhost:8000", "localhost"),
        ("LOCALHOST", "localhost"),
        ("127.0.0.1:1", "127.0.0.1"),
        ("[::1]:8000", "::1"),
        ("[::1]", "::1"),
        ("evil.example", "evil.example"),
        ("127.0.0.1.evil.example:80", "127.0.0.1.evil.example"),
    ],
)
def test_host_name(header: str, name: str) -> None:
    assert host_name(header) == name


@pytest.mark.parametrize(
    "header",
    [
        "[::1]evil.com",
        "[::1]:80evil",
        "localhost:8765.evil",
        "127.0.0.1:8765@evil.com",
        "localhost@evil.com",
        "localhost:",
        "localhost:123456",
        "localhost :80",
        "localhost\t",
        "[::1",
        "[evil.com]",
        "[fe80::1%25eth0]",
        "",
        "local_host",
        "localhost:\uff18\uff10",  # full-width digits
    ],
)
def test_finding_10_malformed_host_headers_have_no_name(header: str) -> None:
    assert host_name(header) is None


def test_wildcard_bind_adds_no_name() -> None:
    assert allowed_host_names("0.0.0.0", []) == {"localhost", "127.0.0.1", "::1"}


def test_bind_address_and_extras_are_allowed() -> None:
    names = allowed_host_names("192.0.2.7", ["Dev.Box"])
    assert {"192.0.2.7", "dev.box", "localhost"} <= names
    assert "evil.example" not in names
