"""Turn (path, old, new) file pairs into edit cases: clean, noisy, and negatives.

Positive cases carry every hunk of one changed file, as search/replace blocks (context grown
past 3 lines until each SEARCH occurs exactly once in the text it is applied to, in order)
and as a `git diff`-style unified diff (3 lines of context). Noise is what models produce:
SEARCH/context lines with trailing whitespace, tabs for 4 spaces, interior blank lines
dropped; blocks dedented by their common indent (SEARCH and REPLACE alike, as a model quotes
a nested block); diff headers with stale line numbers. Negatives must be refused: a SEARCH
from another file, a SEARCH with an identifier renamed, a SEARCH that occurs twice.
"""

from __future__ import annotations

import difflib
import keyword
import random
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

Format = Literal["search_replace", "udiff"]
CONTEXTS = (3, 5, 8, 13, 21, 40)
MARKERS = ("<<<<<<<", "=======", ">>>>>>>")
IDENT = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]{3,}\b")


@dataclass(frozen=True)
class Case:
    name: str
    kind: Literal["positive", "negative"]
    noise: str  # clean, trailing_ws, dedent, tabs, blank_dropped, stale_numbers, combined;
    # negatives: foreign, ambiguous
    edit_text: str
    format: Format
    original_files: dict[str, str]
    expected_files: dict[str, str] | None  # None: must be refused


@dataclass(frozen=True)
class Block:
    search: str
    replace: str


# -- hunks ----------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def sr_blocks(old: str, new: str) -> list[Block] | None:
    """The hunks as blocks, each SEARCH unique where it is applied; None if no context works."""
    a, b = _lines(old), _lines(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for context in CONTEXTS:
        blocks = [
            Block("".join(a[g[0][1] : g[-1][2]]), "".join(b[g[0][3] : g[-1][4]]))
            for g in matcher.get_grouped_opcodes(context)
        ]
        current, ok = old, True
        for block in blocks:
            if not block.search or current.count(block.search) != 1:
                ok = False
                break
            current = current.replace(block.search, block.replace, 1)
        if ok and current == new:
            return blocks
    return None


@dataclass
class Hunk:
    old_start: int
    old_count: int
    new_start: int
    new_count: int
    lines: list[str]  # with their ' ', '-', '+' prefix and newline


def diff_hunks(old: str, new: str) -> list[Hunk]:
    a, b = _lines(old), _lines(new)
    hunks = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(3):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        lines: list[str] = []
        for tag, x1, x2, y1, y2 in group:
            if tag == "equal":
                lines += [" " + line for line in a[x1:x2]]
                continue
            lines += ["-" + line for line in a[x1:x2]]
            lines += ["+" + line for line in b[y1:y2]]
        hunks.append(
            Hunk(i1 + 1 if i2 > i1 else i1, i2 - i1, j1 + 1 if j2 > j1 else j1, j2 - j1, lines)
        )
    return hunks


def render_sr(path: str, blocks: Iterable[Block]) -> str:
    out = []
    for block in blocks:
        out.append(
            f"{path}\n<<<<<<< SEARCH\n{block.search}=======\n{block.replace}>>>>>>> REPLACE\n"
        )
    return "\n".join(out)


def render_udiff(path: str, hunks: Iterable[Hunk]) -> str:
    out = [f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"]
    for hunk in hunks:
        out.append(f"@@ -{hunk.old_start},{hunk.old_count} +{hunk.new_start},{hunk.new_count} @@\n")
        out += hunk.lines
    return "".join(out)


# -- noise ----------------------------------------------------------------------------------

LineNoise = Callable[[str, random.Random], str | None]


def _split(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def trailing_ws(text: str, rng: random.Random) -> str | None:
    out = [
        line[:-1] + rng.choice([" ", "  ", "\t", "    "]) + "\n" if line.strip() else line
        for line in _split(text)
    ]
    result = "".join(out)
    return result if result != text else None


def tabs(text: str, rng: random.Random) -> str | None:
    out = []
    for line in _split(text):
        indent = len(line) - len(line.lstrip(" "))
        out.append("\t" * (indent // 4) + " " * (indent % 4) + line[indent:])
    result = "".join(out)
    return result if result != text else None


def blank_dropped(text: str, rng: random.Random) -> str | None:
    lines = _split(text)
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if not filled:
        return None
    first, last = filled[0], filled[-1]
    kept = [line for i, line in enumerate(lines) if line.strip() or i < first or i > last]
    return "".join(kept) if len(kept) != len(lines) else None


def _indent(text: str) -> str:
    indents = [line[: len(line) - len(line.lstrip(" "))] for line in _split(text) if line.strip()]
    return min(indents, key=len) if indents else ""


def dedent(block: Block) -> Block | None:
    prefix = _indent(block.search)
    if not prefix:
        return None

    def cut(text: str) -> str | None:
        out = []
        for line in _split(text):
            if line.strip():
                if not line.startswith(prefix):
                    return None
                line = line[len(prefix) :]
            out.append(line)
        return "".join(out)

    search, replace = cut(block.search), cut(block.replace)
    if search is None or replace is None:
        return None
    return Block(search, replace)


def _on_search(noise: LineNoise) -> Callable[[Block, random.Random], Block | None]:
    def apply(block: Block, rng: random.Random) -> Block | None:
        search = noise(block.search, rng)
        return None if search is None else Block(search, block.replace)

    return apply


def _combined_block(block: Block, rng: random.Random) -> Block | None:
    applied, current = 0, block
    dedented = dedent(current)
    if dedented is not None:
        current, applied = dedented, applied + 1
    for noise in (blank_dropped, trailing_ws):
        search = noise(current.search, rng)
        if search is not None:
            current, applied = Block(search, current.replace), applied + 1
    return current if applied >= 2 else None


SR_NOISE: dict[str, Callable[[Block, random.Random], Block | None]] = {
    "trailing_ws": _on_search(trailing_ws),
    "dedent": lambda block, rng: dedent(block),
    "tabs": _on_search(tabs),
    "blank_dropped": _on_search(blank_dropped),
    "combined": _combined_block,
}


def _hunk_lines(hunk: Hunk, noise: LineNoise, rng: random.Random) -> Hunk | None:
    """Noise on the old side of a hunk (context and '-' lines); blank drops only inside."""
    if noise is blank_dropped:
        last = len(hunk.lines) - 1
        kept = [
            line
            for i, line in enumerate(hunk.lines)
            if not (line[0] == " " and not line[1:].strip() and 0 < i < last)
        ]
        if len(kept) == len(hunk.lines):
            return None
        return Hunk(hunk.old_start, hunk.old_count, hunk.new_start, hunk.new_count, kept)
    lines, changed = [], False
    for line in hunk.lines:
        if line[0] in " -":
            noisy = noise(line[1:], rng)
            if noisy is not None:
                line, changed = line[0] + noisy, True
        lines.append(line)
    if not changed:
        return None
    return Hunk(hunk.old_start, hunk.old_count, hunk.new_start, hunk.new_count, lines)


def _stale(hunks: list[Hunk], rng: random.Random) -> list[Hunk]:
    delta = rng.choice([-1, 1]) * rng.randint(7, 40)
    if min(h.old_start for h in hunks) + delta < 1:
        delta = abs(delta)
    return [
        Hunk(h.old_start + delta, h.old_count, h.new_start + delta, h.new_count, h.lines)
        for h in hunks
    ]


def _noisy_hunks(hunks: list[Hunk], noises: list[LineNoise], rng: random.Random) -> list[Hunk]:
    out = []
    for hunk in hunks:
        for noise in noises:
            hunk = _hunk_lines(hunk, noise, rng) or hunk
        out.append(hunk)
    return out


# -- negatives ------------------------------------------------------------------------------


def _stripped(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _contains_fuzzy(haystack: str, needle: str) -> bool:
    """Whether the needle's non-blank lines, whitespace-stripped, occur in a row."""
    hay, pins = _stripped(haystack), _stripped(needle)
    if not pins:
        return True
    return any(hay[i : i + len(pins)] == pins for i in range(len(hay) - len(pins) + 1))


def _mutate(text: str, old_file: str, rng: random.Random, prefix: str = "") -> str | None:
    """Rename one identifier on one line (to a name absent from the file)."""
    lines = _split(text)
    candidates = []
    for i, line in enumerate(lines):
        if prefix and line[:1] not in prefix:
            continue
        code = (line[1:] if prefix else line).split("#", 1)[0]  # code, not a comment word
        for match in IDENT.finditer(code):
            if not keyword.iskeyword(match.group()):
                candidates.append((i, match.group()))
    rng.shuffle(candidates)
    for i, ident in candidates:
        renamed = ident + "_value" if not ident.endswith("_value") else ident[:-6] + "Val"
        if renamed in old_file:
            continue
        lines[i] = re.sub(rf"\b{re.escape(ident)}\b", renamed, lines[i])
        return "".join(lines)
    return None


def _ambiguous_line(old: str) -> str | None:
    counts = Counter(line for line in _lines(old) if line.strip() and line.endswith("\n"))
    repeated = [line for line, n in counts.items() if n >= 2 and len(line.strip()) >= 6]
    if not repeated:
        return None
    return max(repeated, key=lambda line: (len(line.strip()), line))


# -- corpus ---------------------------------------------------------------------------------


def _usable(old: str, new: str) -> bool:
    if not old.endswith("\n") or not new.endswith("\n"):
        return False
    return not any(line.startswith(MARKERS) for line in (old + new).splitlines())


def build_corpus(files: list[tuple[str, str, str, str]]) -> tuple[list[Case], list[str]]:
    """Cases for (label, path, old, new) changed files; and the files skipped, with why."""
    cases: list[Case] = []
    skipped: list[str] = []
    usable = []
    for label, path, old, new in files:
        if not _usable(old, new):
            skipped.append(f"{label} {path}: no final newline or conflict-marker lines")
            continue
        blocks = sr_blocks(old, new)
        if blocks is None:
            skipped.append(f"{label} {path}: no context up to 40 lines makes each SEARCH unique")
            continue
        usable.append((label, path, old, new, blocks, diff_hunks(old, new)))

    for index, (label, path, old, new, blocks, hunks) in enumerate(usable):
        base = f"{label} {path}"
        original = {path: old}
        expected = {path: new}
        rng = random.Random(zlib.crc32(base.encode()))

        def add(
            fmt: Format,
            noise: str,
            text: str,
            want: dict[str, str] | None,
            base: str = base,
            original: dict[str, str] = original,
        ) -> None:
            short = "sr" if fmt == "search_replace" else "udiff"
            kind: Literal["positive", "negative"] = "positive" if want else "negative"
            cases.append(Case(f"{base} {short}/{noise}", kind, noise, text, fmt, original, want))

        # search/replace
        add("search_replace", "clean", render_sr(path, blocks), expected)
        for noise, make in SR_NOISE.items():
            noisy = [make(block, rng) for block in blocks]
            if any(n is not None for n in noisy):
                out = [n or b for n, b in zip(noisy, blocks, strict=True)]
                add("search_replace", noise, render_sr(path, out), expected)
        # unified diff
        add("udiff", "clean", render_udiff(path, hunks), expected)
        add("udiff", "stale_numbers", render_udiff(path, _stale(hunks, rng)), expected)
        for noise, line_noise in (
            ("trailing_ws", trailing_ws),
            ("tabs", tabs),
            ("blank_dropped", blank_dropped),
        ):
            noisy_hunks = _noisy_hunks(hunks, [line_noise], rng)
            if any(n.lines != h.lines for n, h in zip(noisy_hunks, hunks, strict=True)):
                add("udiff", noise, render_udiff(path, noisy_hunks), expected)
        combined = _stale(_noisy_hunks(hunks, [blank_dropped, trailing_ws], rng), rng)
        add("udiff", "combined", render_udiff(path, combined), expected)

        # negatives: a block/hunk of another file
        other = usable[(index + 1) % len(usable)] if len(usable) > 1 else None
        if other is not None:
            for foreign in other[4]:
                if not _contains_fuzzy(old, foreign.search):
                    add("search_replace", "foreign", render_sr(path, [foreign]), None)
                    break
            for hunk in other[5]:
                old_side = "".join(line[1:] for line in hunk.lines if line[0] in " -")
                if not _contains_fuzzy(old, old_side):
                    add("udiff", "foreign", render_udiff(path, [hunk]), None)
                    break
        # a typo: an identifier renamed in one SEARCH line / one old-side diff line (a model
        # misremembering a name). The fuzzy rung exists for this; the block still says where
        # and what, so the right result is the release, and anything else is a false apply.
        target = rng.randrange(len(blocks))
        mutated = _mutate(blocks[target].search, old, rng)
        if mutated is not None:
            wrong = [Block(mutated, b.replace) if i == target else b for i, b in enumerate(blocks)]
            add("search_replace", "typo", render_sr(path, wrong), expected)
        target = rng.randrange(len(hunks))
        mutated = _mutate("".join(hunks[target].lines), old, rng, prefix=" -")
        if mutated is not None:
            changed = Hunk(
                hunks[target].old_start,
                hunks[target].old_count,
                hunks[target].new_start,
                hunks[target].new_count,
                _split(mutated),
            )
            wrong_hunks = [changed if i == target else h for i, h in enumerate(hunks)]
            add("udiff", "typo", render_udiff(path, wrong_hunks), expected)
        # a SEARCH that occurs twice (a common line, its context cut)
        line = _ambiguous_line(old)
        if line is not None:
            edit = Block(line, line[:-1] + "  # edited\n")
            add("search_replace", "ambiguous", render_sr(path, [edit]), None)
    return cases, skipped
