"""Bytes ↔ editor text: encoding and line-ending detection, round-trip encoding, language ids."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from pairpad.errors import BadRequest, UnsupportedMedia
from pairpad.workspace.models import Encoding, Eol

UTF8_BOM = b"\xef\xbb\xbf"
_EOL_CHARS = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}


@dataclass(frozen=True)
class DecodedText:
    content: str
    encoding: Encoding
    eol: Eol
    has_newlines: bool


def etag_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def clean_etag(etag: str) -> str:
    """Accept the etag quoted (HTTP style) or weak-prefixed as well as bare."""
    return etag.strip().removeprefix("W/").strip('"')


def is_binary(raw: bytes) -> bool:
    """The one rule for reading and writing: bytes with a NUL anywhere are binary.

    Checking only a prefix (as git's 8 KiB sniff does) opened files that could never be
    saved back; the whole-file check is one memchr, cheap next to reading the file.
    """
    return b"\x00" in raw


def decode(raw: bytes) -> DecodedText:
    if is_binary(raw):
        raise UnsupportedMedia("Binary file (it contains NUL bytes): it cannot be opened as text")
    encoding: Encoding
    if raw.startswith(UTF8_BOM):
        try:
            content, encoding = raw[len(UTF8_BOM) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            content, encoding = raw.decode("latin-1"), "latin-1"
    else:
        try:
            content, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            # Latin-1 maps every byte, so the file round-trips byte for byte.
            content, encoding = raw.decode("latin-1"), "latin-1"
    eol, has_newlines = detect_eol(content)
    return DecodedText(content, encoding, eol, has_newlines)


def detect_eol(text: str) -> tuple[Eol, bool]:
    """The dominant line ending; 'lf' when the text has none (and False)."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    if not (crlf or lf or cr):
        return "lf", False
    if crlf >= lf and crlf >= cr:
        return "crlf", True
    if cr > lf:
        return "cr", True
    return "lf", True


def with_eol(text: str, eol: Eol) -> str:
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    return normal if eol == "lf" else normal.replace("\n", _EOL_CHARS[eol])


def encode(text: str, encoding: Encoding) -> bytes:
    try:
        body = text.encode("utf-8" if encoding == "utf-8-sig" else encoding)
    except UnicodeEncodeError as error:
        bad = text[error.start : error.end]
        raise BadRequest(
            f"The text contains {bad!r}, which {encoding} cannot store; "
            'save again with "encoding": "utf-8"'
        ) from None
    if is_binary(body):
        raise BadRequest(
            "Text with NUL characters cannot be saved: the file would read back as binary. "
            "Remove the NUL characters and save again."
        )
    return UTF8_BOM + body if encoding == "utf-8-sig" else body


_BY_NAME = {
    "dockerfile": "dockerfile",
    "makefile": "plaintext",
    "cmakelists.txt": "plaintext",
    ".gitignore": "plaintext",
    ".dockerignore": "plaintext",
    ".bashrc": "shell",
    ".zshrc": "shell",
    ".profile": "shell",
    ".env": "ini",
    ".editorconfig": "ini",
    "pipfile": "toml",
}
_BY_SUFFIX = {
    ".py": "python",
    ".pyi": "python",
    ".pyw": "python",
    ".ts": "typescript",
    ".tsx": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".js": "javascript",
    ".jsx": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".json": "json",
    ".jsonc": "json",
    ".json5": "json",
    ".ipynb": "json",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdx": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".vue": "html",
    ".svelte": "html",
    ".css": "css",
    ".scss": "scss",
    ".sass": "scss",
    ".less": "less",
    ".rs": "rust",
    ".go": "go",
    ".java": "java",
    ".kt": "kotlin",
    ".kts": "kotlin",
    ".c": "c",
    ".h": "c",
    ".cc": "cpp",
    ".cpp": "cpp",
    ".cxx": "cpp",
    ".hpp": "cpp",
    ".hh": "cpp",
    ".hxx": "cpp",
    ".cs": "csharp",
    ".swift": "swift",
    ".m": "objective-c",
    ".scala": "scala",
    ".sh": "shell",
    ".bash": "shell",
    ".zsh": "shell",
    ".fish": "shell",
    ".ps1": "powershell",
    ".bat": "bat",
    ".cmd": "bat",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "ini",
    ".ini": "ini",
    ".cfg": "ini",
    ".conf": "ini",
    ".properties": "ini",
    ".xml": "xml",
    ".svg": "xml",
    ".xsd": "xml",
    ".plist": "xml",
    ".sql": "sql",
    ".rb": "ruby",
    ".php": "php",
    ".lua": "lua",
    ".r": "r",
    ".pl": "perl",
    ".dart": "dart",
    ".ex": "elixir",
    ".exs": "elixir",
    ".clj": "clojure",
    ".fs": "fsharp",
    ".graphql": "graphql",
    ".gql": "graphql",
    ".proto": "proto",
    ".tf": "hcl",
    ".hcl": "hcl",
    ".dockerfile": "dockerfile",
    ".txt": "plaintext",
    ".log": "plaintext",
}


@functools.lru_cache(maxsize=4096)  # every read asks; two PurePosixPaths cost ~5 µs
def language_of(path: str) -> str:
    """Monaco language id (Monaco has no TOML mode, so TOML uses its `ini` tokenizer)."""
    name = PurePosixPath(path).name.lower()
    if name in _BY_NAME:
        return _BY_NAME[name]
    if name.startswith("dockerfile"):
        return "dockerfile"
    return _BY_SUFFIX.get(PurePosixPath(name).suffix, "plaintext")
