"""Definitions and references of one file, from its tree-sitter tree."""

from __future__ import annotations

import re
from dataclasses import dataclass

import tree_sitter

from pairpad.codebase.languages import DATA_LANGUAGES, TAG_QUERIES
from pairpad.codebase.parsing import Node, matches, query_for

SIGNATURE_CHARS = 200
# Generic fallback for grammars without a tag query: named nodes of these kinds are defs.
_GENERIC_DEF = re.compile(r"(function|method|class|struct|interface|enum|trait|module)"
                          r"(_?(definition|declaration|item|spec))?$"
                          r"|(type)_(definition|declaration|alias|spec)$")
_GENERIC_CALL = frozenset({"call_expression", "call", "function_call", "method_invocation"})


@dataclass(frozen=True)
class Tag:
    name: str
    kind: str  # "def" | "ref"
    symbol_kind: str  # function, class, method, call, type, …
    line: int  # 1-based line of the name
    column: int  # 0-based column of the name (bytes)
    end_column: int
    start_line: int  # whole definition (a ref: same as line)
    end_line: int
    signature: str  # the definition's first line, as written (refs: "")


def extract_tags(tree: tree_sitter.Tree, source: bytes, language: str) -> list[Tag]:
    if language in DATA_LANGUAGES:
        return []
    query_source = TAG_QUERIES.get(language)
    query = query_for(language, query_source) if query_source else None
    if query is None:
        return _generic_tags(tree.root_node, source)
    lines = source.split(b"\n")
    seen_defs: set[tuple[int, int]] = set()
    tags: list[Tag] = []
    for _pattern, captures in matches(query, tree.root_node):
        for capture, nodes in captures.items():
            if not capture.startswith("name."):
                continue
            _, role, symbol_kind = capture.split(".", 2)
            scope = captures.get(f"definition.{symbol_kind}", [])
            for node in nodes:
                whole = scope[0] if scope else node
                if role == "definition":
                    seen_defs.add(node.start_point)
                tags.append(_tag(node, whole, "def" if role == "definition" else "ref",
                                 symbol_kind, lines))
    # A name captured as a definition is not also a reference to itself (e.g. TS type names).
    return [t for t in tags if t.kind == "def" or (t.line - 1, t.column) not in seen_defs]


def _tag(name: Node, whole: Node, kind: str, symbol_kind: str, lines: list[bytes]) -> Tag:
    row, column = name.start_point
    signature = ""
    if kind == "def":
        first = whole.start_point[0]
        signature = lines[first].decode("utf-8", "replace").rstrip()[:SIGNATURE_CHARS]
    text = (name.text or b"").decode("utf-8", "replace")
    return Tag(
        name=text,
        kind=kind,
        symbol_kind=symbol_kind,
        line=row + 1,
        column=column,
        end_column=column + len(name.text or b"") if name.end_point[0] == row else column,
        start_line=whole.start_point[0] + 1,
        end_line=whole.end_point[0] + 1,
        signature=signature,
    )


def _generic_tags(root: Node, source: bytes) -> list[Tag]:
    lines = source.split(b"\n")
    tags: list[Tag] = []
    stack = [root]
    while stack:
        node = stack.pop()
        kind = node.type
        found = _GENERIC_DEF.search(kind)
        if found:
            name = _name_of(node, "name")
            if name is not None:
                tags.append(_tag(name, node, "def", found.group(1) or found.group(4), lines))
        elif kind in _GENERIC_CALL:
            callee = _name_of(node, "function")
            if callee is not None:
                tags.append(_tag(callee, callee, "ref", "call", lines))
        stack.extend(reversed(node.named_children))
    return tags


def _name_of(node: Node, field: str) -> Node | None:
    """The node's `field` child, else its first identifier-like child (grammars differ)."""
    named = node.child_by_field_name(field)
    if named is None:
        named = next((c for c in node.named_children
                      if c.type.endswith("identifier") or c.type in ("name", "constant")), None)
    return named if named is not None and named.child_count == 0 else None
