"""One file → its index record: content hash, language, tags and chunks (pure; runs in threads)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from pairpad.codebase.chunks import Chunk, chunk_text, chunk_tree
from pairpad.codebase.languages import language_for
from pairpad.codebase.parsing import parse
from pairpad.codebase.tags import Tag, extract_tags

_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")


@dataclass
class FileRecord:
    path: str
    hash: str
    mtime: float
    size: int
    language: str | None
    status: str = "indexed"  # indexed | error | skipped
    reason: str | None = None
    tags: list[Tag] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def analyze(path: str, data: bytes, mtime: float, max_lines: int) -> FileRecord:
    """Parse one file; a grammar failure degrades to text chunks, never to a lost file."""
    language = language_for(path)
    record = FileRecord(path, content_hash(data), mtime, len(data), language)
    text = data.decode("utf-8", errors="replace")
    tree = parse(data, language) if language else None
    if tree is None:
        record.chunks = chunk_text(text, max_lines)
        return record
    record.tags = extract_tags(tree, data, language or "")
    record.chunks = chunk_tree(tree, text, max_lines)
    if tree.root_node.has_error and not record.tags:
        record.reason = "syntax errors: indexed as text"
    return record


def split_identifier(name: str) -> list[str]:
    """`parseHTTPResponse_v2` → parse, http, response, v2 (lower case)."""
    return [part.lower() for piece in name.split("_") for part in _CAMEL.findall(piece)]


def expand_identifiers(text: str) -> str:
    """Extra words so BM25 matches the parts of camelCase names (unicode61 already splits `_`)."""
    extra = {
        word
        for ident in set(_IDENT.findall(text))
        if not ident.islower() and not ident.isupper()
        for word in split_identifier(ident)
    }
    return " ".join(sorted(extra))
