"""Encoding and line-ending detection and round trips, language ids."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairpad.errors import BadRequest, UnsupportedMedia
from pairpad.workspace.text import (
    clean_etag,
    decode,
    detect_eol,
    encode,
    etag_of,
    is_binary,
    language_of,
    with_eol,
)


@pytest.mark.parametrize(
    ("raw", "encoding", "content"),
    [
        (b"plain ascii\n", "utf-8", "plain ascii\n"),
        ("héllo 😀\n".encode(), "utf-8", "héllo 😀\n"),
        (b"\xef\xbb\xbfwith bom\n", "utf-8-sig", "with bom\n"),
        (b"caf\xe9\n", "latin-1", "café\n"),
        (b"\xef\xbb\xbf\xff\xfe", "latin-1", "ï»¿ÿþ"),  # BOM but not UTF-8 after it
        (b"", "utf-8", ""),
    ],
)
def test_decode_detects_the_encoding(raw: bytes, encoding: str, content: str) -> None:
    text = decode(raw)
    assert (text.encoding, text.content) == (encoding, content)
    assert encode(text.content, text.encoding) == raw  # byte-for-byte round trip


def test_finding_9_nul_anywhere_is_binary_for_reading_and_writing() -> None:
    """Issue 9: a NUL after the first 8 KiB opened as text that could never be saved."""
    with pytest.raises(UnsupportedMedia):
        decode(b"PK\x03\x04\x00\x00")
    late_nul = b"a" * 9000 + b"\x00"
    assert is_binary(late_nul)
    with pytest.raises(UnsupportedMedia):
        decode(late_nul)  # beyond any sniffed prefix: still binary
    with pytest.raises(BadRequest, match="read back as binary"):
        encode(late_nul.decode(), "utf-8")


@settings(max_examples=300)
@given(raw=st.binary(max_size=64) | st.binary(max_size=16).map(lambda b: b"x" * 9000 + b))
def test_finding_9_whatever_opens_as_text_saves_back_unchanged(raw: bytes) -> None:
    """One rule: a file that decodes as text encodes back to the same bytes, never refused."""
    try:
        text = decode(raw)
    except UnsupportedMedia:
        assert is_binary(raw)
        return
    assert encode(text.content, text.encoding) == raw


@pytest.mark.parametrize(
    ("text", "eol", "has_newlines"),
    [
        ("a\nb\n", "lf", True),
        ("a\r\nb\r\n", "crlf", True),
        ("a\rb\r", "cr", True),
        ("a\r\nb\r\nc\n", "crlf", True),  # majority wins
        ("a\nb\nc\r\n", "lf", True),
        ("no newline", "lf", False),
    ],
)
def test_detect_eol(text: str, eol: str, has_newlines: bool) -> None:
    assert detect_eol(text) == (eol, has_newlines)


def test_with_eol_converts_every_style() -> None:
    assert with_eol("a\nb\r\nc\rd", "crlf") == "a\r\nb\r\nc\r\nd"
    assert with_eol("a\r\nb\r\n", "lf") == "a\nb\n"
    assert with_eol("a\nb", "cr") == "a\rb"


@settings(deadline=None)
@given(st.text())
def test_utf8_round_trips_any_text(text: str) -> None:
    try:
        raw = encode(text, "utf-8")
    except BadRequest:  # lone surrogates cannot be stored
        return
    if b"\x00" in raw[:8192]:
        return
    assert decode(raw).content == text


def test_latin1_refuses_characters_it_cannot_store() -> None:
    with pytest.raises(BadRequest, match="utf-8"):
        encode("price: 5 €", "latin-1")


def test_etags_are_content_hashes_and_accept_http_quoting() -> None:
    assert etag_of(b"x") == etag_of(b"x") != etag_of(b"y")
    assert clean_etag(f'"{etag_of(b"x")}"') == etag_of(b"x")
    assert clean_etag(f'W/"{etag_of(b"x")}"') == etag_of(b"x")


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("a.py", "python"),
        ("src/App.tsx", "typescript"),
        ("x.mjs", "javascript"),
        ("package.json", "json"),
        ("README.md", "markdown"),
        ("index.html", "html"),
        ("s.css", "css"),
        ("main.rs", "rust"),
        ("m.go", "go"),
        ("A.java", "java"),
        ("x.c", "c"),
        ("x.hpp", "cpp"),
        ("run.sh", "shell"),
        ("ci.yml", "yaml"),
        ("pyproject.toml", "ini"),
        ("Dockerfile", "dockerfile"),
        ("LICENSE", "plaintext"),
        ("Makefile", "plaintext"),
        ("weird.xyz", "plaintext"),
    ],
)
def test_language_ids(path: str, language: str) -> None:
    assert language_of(path) == language
