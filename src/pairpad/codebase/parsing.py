"""Tree-sitter access: per-thread parsers, compiled queries, and a version-tolerant match API.

Parsers and query cursors hold mutable state, so each worker thread keeps its own."""

from __future__ import annotations

import threading
from typing import Any

import tree_sitter
from tree_sitter_language_pack import get_language, get_parser

_local = threading.local()
_unavailable: set[str] = set()

Node = tree_sitter.Node
Match = tuple[int, dict[str, list[Node]]]


def parse(source: bytes, language: str) -> tree_sitter.Tree | None:
    parser = _parser(language)
    return None if parser is None else parser.parse(source)


def _parser(language: str) -> tree_sitter.Parser | None:
    parsers: dict[str, tree_sitter.Parser] = _local.__dict__.setdefault("parsers", {})
    if language not in parsers:
        if language in _unavailable:
            return None
        try:
            parsers[language] = get_parser(language)  # type: ignore[arg-type]
        except Exception:  # the pack raises LookupError or a bare Exception per version
            _unavailable.add(language)
            return None
    return parsers[language]


def query_for(language: str, source: str) -> tree_sitter.Query | None:
    """Compile once per thread; patterns the installed grammar lacks are dropped, not fatal."""
    queries: dict[str, tree_sitter.Query | None] = _local.__dict__.setdefault("queries", {})
    if language not in queries:
        queries[language] = _compile(language, source)
    return queries[language]


def _compile(language: str, source: str) -> tree_sitter.Query | None:
    lang = get_language(language)  # type: ignore[arg-type]
    try:
        return _new_query(lang, source)
    except Exception:
        kept = [p for p in split_patterns(source) if _compiles(lang, p)]
        return _new_query(lang, "\n".join(kept)) if kept else None


def _compiles(lang: tree_sitter.Language, pattern: str) -> bool:
    try:
        _new_query(lang, pattern)
    except Exception:  # e.g. JSX patterns in the plain TypeScript grammar
        return False
    return True


def _new_query(lang: tree_sitter.Language, source: str) -> tree_sitter.Query:
    if hasattr(tree_sitter, "QueryCursor"):
        return tree_sitter.Query(lang, source)
    return lang.query(source)  # type: ignore[attr-defined, no-any-return]


def matches(query: tree_sitter.Query, node: Node) -> list[Match]:
    if hasattr(tree_sitter, "QueryCursor"):
        cursor: Any = tree_sitter.QueryCursor(query)
        return cursor.matches(node)  # type: ignore[no-any-return]
    return query.matches(node)  # type: ignore[attr-defined, no-any-return]


def split_patterns(source: str) -> list[str]:
    """Top-level patterns of a query: a new one starts at depth 0 on `(` or `[`."""
    patterns: list[str] = []
    depth, start, in_string = 0, 0, False
    for index, char in enumerate(source):
        if in_string:
            in_string = char != '"' or source[index - 1] == "\\"
            continue
        if char == '"':
            in_string = True
        elif char in "([":
            if depth == 0 and source[start:index].strip() and index > start:
                patterns.append(source[start:index].strip())
                start = index
            depth += 1
        elif char in ")]":
            depth -= 1
    if source[start:].strip():
        patterns.append(source[start:].strip())
    return patterns
