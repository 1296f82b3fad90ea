"""Symbol queries for the editor: outline of a file, workspace symbols, definitions, references."""

from __future__ import annotations

from dataclasses import dataclass, field

from pairpad.codebase.languages import language_for
from pairpad.codebase.parsing import parse
from pairpad.codebase.store import IndexStore
from pairpad.codebase.tags import Tag, extract_tags

LIMIT = 200


@dataclass
class OutlineItem:
    name: str
    kind: str
    line: int
    column: int
    end_column: int
    start_line: int
    end_line: int
    children: list[OutlineItem] = field(default_factory=list)


@dataclass(frozen=True)
class Location:
    path: str
    name: str
    kind: str
    line: int
    column: int
    end_column: int
    start_line: int
    end_line: int
    signature: str


def outline(path: str, data: bytes) -> list[OutlineItem]:
    """Nested definitions of one file, parsed now (so unsaved-to-index edits show at once)."""
    language = language_for(path)
    tree = parse(data, language) if language else None
    if tree is None or language is None:
        return []
    defs = sorted((t for t in extract_tags(tree, data, language) if t.kind == "def"),
                  key=lambda t: (t.start_line, -t.end_line, t.line))
    roots: list[OutlineItem] = []
    stack: list[OutlineItem] = []
    for tag in defs:
        item = _item(tag)
        while stack and not (stack[-1].start_line <= tag.start_line
                             and tag.end_line <= stack[-1].end_line):
            stack.pop()
        if stack and item.kind == "function" and stack[-1].kind == "class":
            item.kind = "method"
        (stack[-1].children if stack else roots).append(item)
        stack.append(item)
    return roots


def _item(tag: Tag) -> OutlineItem:
    return OutlineItem(tag.name, tag.symbol_kind, tag.line, tag.column, tag.end_column,
                       tag.start_line, tag.end_line)


_SELECT = ("SELECT f.path, t.name, t.symbol_kind, t.line, t.col, t.end_col, t.start_line,"
           " t.end_line, t.signature FROM tags t JOIN files f ON f.id = t.file_id")


def _locations(store: IndexStore, where: str, params: tuple[object, ...]) -> list[Location]:
    rows = store.read(f"{_SELECT} WHERE {where}", params)
    return [Location(r["path"], r["name"], r["symbol_kind"], r["line"], r["col"], r["end_col"],
                     r["start_line"], r["end_line"], r["signature"] or "") for r in rows]


def workspace_symbols(store: IndexStore, query: str, limit: int = 100) -> list[Location]:
    """Definitions whose name contains the query: exact, then prefix, then substring."""
    query = query.strip()
    if not query:
        return []
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    found = _locations(store, "t.kind = 'def' AND t.name LIKE ? ESCAPE '\\' LIMIT ?",
                       (f"{escaped}%", LIMIT * 5))
    if len(found) < limit:
        found += _locations(store, "t.kind = 'def' AND t.name LIKE ? ESCAPE '\\' LIMIT ?",
                            (f"%{escaped}%", LIMIT * 5))
    lower = query.lower()
    unique = {(loc.path, loc.line, loc.name): loc for loc in found}.values()
    ranked = sorted(unique, key=lambda loc: (loc.name != query, loc.name.lower() != lower,
                                             not loc.name.lower().startswith(lower),
                                             len(loc.name), loc.path, loc.line))
    return ranked[:limit]


def definitions(store: IndexStore, name: str, path: str | None = None) -> list[Location]:
    """Where `name` is defined; from `path`, the same file first, then its nearest neighbours."""
    found = _locations(store, "t.kind = 'def' AND t.name = ? LIMIT ?", (name, LIMIT))
    exact = [loc for loc in found if loc.name == name] or found
    return sorted(exact, key=lambda loc: (-_closeness(loc.path, path), loc.path, loc.line))


def references(store: IndexStore, name: str, limit: int = 1000) -> list[Location]:
    found = _locations(store, "t.kind = 'ref' AND t.name = ? LIMIT ?", (name, limit))
    exact = [loc for loc in found if loc.name == name] or found
    return sorted(exact, key=lambda loc: (loc.path, loc.line, loc.column))


def _closeness(candidate: str, origin: str | None) -> int:
    if origin is None:
        return 0
    if candidate == origin:
        return 1000
    shared = 0
    for a, b in zip(candidate.split("/")[:-1], origin.split("/")[:-1], strict=False):
        if a != b:
            break
        shared += 1
    return shared
