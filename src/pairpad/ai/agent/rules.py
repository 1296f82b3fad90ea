"""Rule files of the workspace (AGENTS.md, CLAUDE.md, Cursor/Copilot rules…) for the agent's
system prompt.

Only files at fixed places under the workspace root are read, in a fixed order, so what the
model is told does not depend on a directory walk. A file that is a secret (by the workspace's
secret patterns, also through a symlink), a symlink leading outside the root, or not UTF-8 is
left out; each file and the total are capped so a huge rules file cannot fill the context.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pairpad.workspace.visibility import VisibilityPolicy

FILE_CAP = 32 * 1024  # bytes of one file given to the model
TOTAL_CAP = 96 * 1024  # bytes of all rule files together
MIN_PIECE = 512  # a file cut to less than this by the total cap is left out instead

# (folder relative to the root, or "" for the root; a file name, or a suffix for every
# file in that folder)
_SINGLE_FILES = ("AGENTS.md", "CLAUDE.md", ".cursorrules")
_ORDER: tuple[tuple[str, str, bool], ...] = (
    *(("", name, False) for name in _SINGLE_FILES),
    (".cursor/rules", ".mdc", True),
    (".github", "copilot-instructions.md", False),
    (".pairpad/rules", ".md", True),
)


@dataclass(frozen=True)
class Rule:
    path: str  # relative to the workspace root, "/"-separated
    text: str  # what the model sees (front matter removed; a note when cut)
    tokens: int
    globs: list[str] = field(default_factory=list)  # empty: applies to the whole task
    description: str | None = None


def load_rules(root: Path, visibility: VisibilityPolicy | None,
               count_tokens: Callable[[str], int]) -> list[Rule]:
    real_root = os.path.realpath(root)
    rules: list[Rule] = []
    budget = TOTAL_CAP
    for rel in _candidates(Path(real_root)):
        if visibility is not None and visibility.is_secret_target(rel):
            continue
        raw = _read(real_root, rel)
        if raw is None:
            continue
        meta, body = split_front_matter(raw.text)
        cap = min(FILE_CAP, budget)
        if cap < MIN_PIECE:
            note = (f"[{rel} is left out: the rule files together are over "
                    f"{TOTAL_CAP // 1024} KiB]")
            rules.append(Rule(rel, note, count_tokens(note)))
            continue
        text, cut = _cap(body, cap)
        if cut or raw.truncated:
            text += (f"\n[… cut: {rel} is longer than the {cap // 1024} KiB given here; "
                     "read the file for the rest]")
        budget -= len(text.encode())
        globs = _globs(meta.get("globs"))
        description = meta.get("description")
        rules.append(Rule(rel, text, count_tokens(text), globs,
                          description if isinstance(description, str) and description else None))
    return rules


def rules_prompt(rules: list[Rule]) -> str:
    """The system-prompt section with every rule under its path ("" without rules)."""
    if not rules:
        return ""
    parts = ["# Project rules",
             "The workspace has these instruction files for AI assistants. Follow them unless "
             "the user's task says otherwise. A rule limited to some files applies only when "
             "you work on files that match."]
    for rule in rules:
        head = f'<rule path="{rule.path}">'
        scope: list[str] = []
        if rule.globs:
            scope.append("Applies when working on files matching "
                         + ", ".join(f"`{g}`" for g in rule.globs) + ".")
        if rule.description:
            scope.append(f"About: {rule.description}")
        parts.append("\n".join([head, *scope, rule.text.strip("\n"), "</rule>"]))
    return "\n\n".join(parts)


# ---- files ------------------------------------------------------------------------------


def _candidates(root: Path) -> Iterator[str]:
    for folder, name, is_suffix in _ORDER:
        if not is_suffix:
            yield f"{folder}/{name}" if folder else name
            continue
        try:
            entries = sorted(e.name for e in os.scandir(root / folder)
                             if e.name.endswith(name) and not e.name.startswith("."))
        except OSError:  # no such folder (or not one): nothing to read there
            continue
        yield from (f"{folder}/{entry}" for entry in entries)


@dataclass(frozen=True)
class _Raw:
    text: str
    truncated: bool  # the file is longer than what was read


def _read(real_root: str, rel: str) -> _Raw | None:
    """The file's start as text; None when it is missing, not a regular file, outside the root
    (through a symlink) or not UTF-8."""
    path = os.path.join(real_root, rel)
    real = os.path.realpath(path)
    if os.path.commonpath([real_root, real]) != real_root or not os.path.isfile(real):
        return None
    # Front matter + one capped file; more is never needed.
    limit = FILE_CAP + 4096
    try:
        with open(real, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError:
        return None
    truncated = len(data) > limit
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        # final=False keeps a character split by the read limit out instead of failing on it.
        text = decoder.decode(data[:limit], final=not truncated)
    except UnicodeDecodeError:
        return None
    if "\x00" in text:  # binary content that happens to be valid UTF-8
        return None
    return _Raw(text.removeprefix("\ufeff"), truncated)


def _cap(text: str, cap: int) -> tuple[str, bool]:
    data = text.encode()
    if len(data) <= cap:
        return text, False
    piece = data[:cap].decode("utf-8", errors="ignore")
    line_end = piece.rfind("\n")
    return (piece[:line_end + 1] if line_end > 0 else piece), True


# ---- front matter -----------------------------------------------------------------------

Meta = dict[str, str | bool | list[str]]


def split_front_matter(text: str) -> tuple[Meta, str]:
    """(keys, body) of a text starting with a `---` block of `key: value` lines (Cursor's .mdc
    style). Scalars, `true`/`false`, `[a, b]` and block lists (`- a`) are understood; a block
    that is not like that is not front matter (a Markdown file may start with a rule line)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        return {}, text
    meta = _parse_block(lines[1:end])
    if meta is None:
        return {}, text
    return meta, "\n".join(lines[end + 1:]).lstrip("\n")


def _parse_block(lines: list[str]) -> Meta | None:
    meta: Meta = {}
    key: str | None = None
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("- ") or stripped == "-":
            current = meta.get(key) if key is not None else None
            if key is None or not isinstance(current, list):
                return None
            item = _scalar(stripped[1:].strip())
            if isinstance(item, str) and item:
                current.append(item)
            continue
        name, sep, value = stripped.partition(":")
        if not sep or not name or " " in name.strip():
            return None
        key = name.strip()
        value = value.strip()
        if not value:
            meta[key] = []  # a block list may follow; an empty value otherwise
        elif value.startswith("[") and value.endswith("]"):
            meta[key] = [s for s in (_unquote(v.strip()) for v in _split(value[1:-1])) if s]
        else:
            meta[key] = _scalar(value)
    return meta


def _scalar(value: str) -> str | bool:
    lowered = value.lower()
    if lowered in ("true", "yes"):
        return True
    if lowered in ("false", "no"):
        return False
    return _unquote(value)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _split(value: str) -> list[str]:
    """Comma-separated items; commas inside quotes or braces (`*.{ts,tsx}`) do not split."""
    items: list[str] = []
    depth, quote, start = 0, "", 0
    for i, char in enumerate(value):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            items.append(value[start:i])
            start = i + 1
    items.append(value[start:])
    return items


def _globs(value: str | bool | list[str] | None) -> list[str]:
    if isinstance(value, list):
        return [g for g in value if g]
    if isinstance(value, str):
        return [s for s in (_unquote(v.strip()) for v in _split(value)) if s]
    return []
