"""Chunks along syntax boundaries: split nodes larger than the budget into their children, then
greedily merge consecutive pieces back up to the budget (so a chunk is whole functions or a
part of a big one, never a cut through the middle of a small one)."""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter

from pairpad.codebase.parsing import Node


@dataclass(frozen=True)
class Chunk:
    start_line: int  # 1-based, inclusive
    end_line: int
    text: str


Span = tuple[int, int]  # 0-based rows, inclusive


def chunk_tree(tree: tree_sitter.Tree, text: str, max_lines: int) -> list[Chunk]:
    lines = text.split("\n")
    atoms: list[Span] = []
    _atomise(tree.root_node, max_lines, atoms)
    return _merge(atoms, lines, max_lines)


def chunk_text(text: str, max_lines: int) -> list[Chunk]:
    """No grammar: paragraphs (blank-line separated) are the atoms."""
    lines = text.split("\n")
    atoms: list[Span] = []
    start: int | None = None
    for row, line in enumerate(lines):
        if line.strip():
            start = row if start is None else start
        elif start is not None:
            atoms.append((start, row - 1))
            start = None
    if start is not None:
        atoms.append((start, len(lines) - 1))
    return _merge(atoms, lines, max_lines)


def _atomise(node: Node, max_lines: int, out: list[Span]) -> None:
    for child in node.children:
        start, end = child.start_point[0], child.end_point[0]
        if end - start + 1 <= max_lines:
            out.append((start, end))
        elif child.child_count:
            _atomise(child, max_lines, out)
        else:  # one huge token (a long string): cut it by lines
            out.extend((row, min(row + max_lines - 1, end))
                       for row in range(start, end + 1, max_lines))


def _merge(atoms: list[Span], lines: list[str], max_lines: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    group_start: int | None = None
    group_end = -1
    done_to = -1  # last row already in a chunk: chunks never overlap
    for start, end in atoms:
        if end <= done_to:
            continue
        start = max(start, done_to + 1)
        if group_start is None:
            group_start, group_end = start, end
        elif end - group_start + 1 > max_lines:
            chunks.append(_chunk(lines, group_start, group_end))
            done_to = group_end
            group_start, group_end = max(start, done_to + 1), end
        else:
            group_end = max(group_end, end)
    if group_start is not None:
        chunks.append(_chunk(lines, group_start, group_end))
    return [c for c in chunks if c.text.strip()]


def _chunk(lines: list[str], start: int, end: int) -> Chunk:
    # Trailing rows of a tree can run past the text's last line (a final newline).
    end = min(end, len(lines) - 1)
    return Chunk(start + 1, end + 1, "\n".join(lines[start : end + 1]))
