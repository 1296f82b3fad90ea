"""Finding 5 of issue 9: the token login never redirects off this origin."""

from __future__ import annotations

import pytest

from pairpad.auth.redirect import login_redirect


def whatwg_is_same_origin(location: str) -> bool:
    """How a browser reads a Location on http: tabs/newlines are dropped, `\\` is `/`, and a
    leading `//` starts a new authority (another host)."""
    cleaned = "".join(c for c in location if c not in "\t\n\r").replace("\\", "/")
    cleaned = cleaned.lstrip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11"
                             "\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    return cleaned.startswith("/") and not cleaned.startswith("//")


# Decoded request paths (what ASGI puts in scope["path"]) of the attack run's seven forms
# and a few more.
HOSTILE_PATHS = [
    "/\\evil.com/",  # GET /%5Cevil.com/
    "/\t/evil.com/",  # GET /%09/evil.com/
    "/\\/evil.com/",  # GET /\/evil.com/
    "/\n/evil.com/",
    "/\r/evil.com/",
    "//\\evil.com/",
    "/\\\\evil.com/",
    "/\t\t\\evil.com",
    "///evil.com",
    "/ /evil.com",
    "/\x00//evil.com",
]


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_finding_5_no_open_redirect_after_token_login(path: str) -> None:
    location = login_redirect(path, [])
    assert whatwg_is_same_origin(location), location
    assert location.isascii() and not any(c in location for c in "\\\t\r\n ")


@pytest.mark.parametrize(
    ("path", "query", "location"),
    [
        ("/", [("file", "a.py")], "/?file=a.py"),
        ("/some/page", [], "/some/page"),
        ("//evil.example/", [], "/evil.example/"),
        ("/ü", [], "/%C3%BC"),
    ],
)
def test_ordinary_paths_are_kept(path: str, query: list[tuple[str, str]], location: str) -> None:
    assert login_redirect(path, query) == location
