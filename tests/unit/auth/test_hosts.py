from __future__ import annotations

import pytest

from pairpad.auth.middleware import allowed_host_names, host_name


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
        ("", ""),
    ],
)
def test_host_name(header: str, name: str) -> None:
    assert host_name(header) == name


def test_wildcard_bind_adds_no_name() -> None:
    assert allowed_host_names("0.0.0.0", []) == {"localhost", "127.0.0.1", "::1"}


def test_bind_address_and_extras_are_allowed() -> None:
    names = allowed_host_names("192.0.2.7", ["Dev.Box"])
    assert {"192.0.2.7", "dev.box", "localhost"} <= names
    assert "evil.example" not in names
