"""One SEARCH/REPLACE through the ladder: locate, refuse ambiguity, detect a retry, splice."""

from __future__ import annotations

from collections.abc import Sequence

from pairpad.edits import elision, fuzzy
from pairpad.edits.indent import file_unit, reindent
from pairpad.edits.ladder import RUNGS, Match, first_rung
from pairpad.edits.lines import FileLines, join_new, splice, split_file, split_pattern
from pairpad.edits.merge import align, merge
from pairpad.edits.merge_hunk import Unplaceable, merge_hunk
from pairpad.edits.messages import (
    ambiguous,
    empty_search_on_file,
    fuzzy_tie,
    not_found,
    unplaceable,
)
from pairpad.edits.models import BlockOutcome, Closest, HunkShape

# Rungs whose matches leave the indentation as the file has it: the replacement goes in as sent.
_AS_SENT = frozenset({"exact", "trailing_ws"})
# Rungs that match line for line (SEARCH line i is region line i).
_ONE_TO_ONE = frozenset({"exact", "trailing_ws", "indent"})


def apply_block(
    text: str,
    search: str,
    replace: str,
    *,
    line_hint: int | None = None,
    from_diff: bool = False,
    hunk: HunkShape | None = None,
) -> BlockOutcome:
    """Replace the one place `search` matches in `text` by `replace`.

    `line_hint` (1-based, from a diff's hunk header) only chooses among several matches.
    `from_diff`: SEARCH and REPLACE are a hunk's two sides, sharing its context lines (so a
    blank line missing from both is no change; in a search/replace block it may be one).
    `hunk`: a diff hunk's line order, which places its added lines (implies `from_diff`).
    """
    from_diff = from_diff or hunk is not None
    lines = split_file(text)
    s = split_pattern(search)
    r = split_pattern(replace)
    if not any(ln.strip() for ln in s):
        return _empty_search(lines, text, r)
    if s == r:
        return _refused(
            "SEARCH and REPLACE are identical, so there is nothing to change. Put the new "
            "text between ======= and >>>>>>> REPLACE."
        )
    body = lines.body
    unit = file_unit(body)

    found = first_rung(body, s)
    if found is not None:
        rung, matches = found
        match = _single(matches, line_hint)
        if match is None:
            return _refused(ambiguous(matches, rung))
        if _replace_already_there(body, r, match) and not _lost_blank_change(hunk, s, r):
            return _done(text, rung)
        return _region_outcome(lines, match, s, r, unit, rung, from_diff, hunk)

    misplaced: BlockOutcome | None = None  # `...` lines that can't be elisions: maybe literal
    if elision.has_elision(s):
        outcome = _elided(lines, s, r, unit)
        if outcome is not None and not _misplaced_elision(s):
            return outcome
        misplaced = outcome

    done = _already_applied(body, s, r)
    if done is not None:
        return _done(text, done)

    ranking = fuzzy.rank(body, s)
    best = ranking.best
    if fuzzy.eligible(s) and best is not None and _literal_elisions(s, body, best):
        if fuzzy.accepted(ranking) and fuzzy.edges_fit(body, s, best):
            match = (best.start, best.end)
            return _region_outcome(lines, match, s, r, unit, "fuzzy", from_diff, hunk)
        runner = ranking.runner_up
        if best.score >= fuzzy.THRESHOLD and runner is not None:
            return _refused(fuzzy_tie(best, runner), _closest(body, best.start, best.end))
    if misplaced is not None:
        return misplaced
    near = ranking.closest
    closest = _closest(body, near.start, near.end) if near is not None else None
    score = near.score if near is not None else None
    return _refused(not_found(closest, score, fuzzy.eligible(s), len(body)), closest)


def _region_outcome(
    lines: FileLines,
    match: Match,
    s: list[str],
    r: list[str],
    unit: str,
    rung: str,
    from_diff: bool,
    hunk: HunkShape | None,
) -> BlockOutcome:
    try:
        return _applied(_replace_region(lines, match, s, r, unit, rung, from_diff, hunk), rung)
    except Unplaceable as gap:
        start = match[0]
        first = lines.body[start + gap.start - 1].strip()
        return _refused(unplaceable(start + gap.start + 1, start + gap.end, first))


def _replace_region(
    lines: FileLines,
    match: Match,
    s: list[str],
    r: list[str],
    unit: str,
    rung: str,
    from_diff: bool,
    hunk: HunkShape | None,
) -> FileLines:
    """The file with REPLACE merged into the matched region (unchanged lines stay the file's)."""
    start, end = match
    window = list(lines.body[start:end])
    new = r if rung in _AS_SENT else reindent(r, s, window, unit)
    pairs = align(s, window, one_to_one=rung in _ONE_TO_ONE)
    window_lines = list(zip(window, lines.ends[start:end], strict=True))
    if hunk is not None:
        return splice(lines, start, end, merge_hunk(window_lines, hunk.tags, s, new, pairs))
    # a SEARCH written without blank lines next to a REPLACE with them: REPLACE's are the layout
    owns = not from_diff and _inner_blanks(s) == 0 and _inner_blanks(r) > 0
    # a hunk's context lines are byte-identical on both sides: compared exactly, a noisy
    # context line is not taken for an added line that differs only in trailing spaces
    exact = rung == "exact" or from_diff
    region = merge(
        window_lines,
        s,
        r,
        new,
        pairs,
        exact=exact,
        replace_owns_blanks=owns,
        diff_hunk=from_diff,
    )
    return splice(lines, start, end, region)


def _literal_elisions(s: list[str], body: Sequence[str], window: fuzzy.Window) -> bool:
    """Whether each `...` line of SEARCH is the file's own `...` line (a stub's body), paired
    with the same line in the window; a `...` standing for omitted lines never goes fuzzy."""
    if not elision.has_elision(s):
        return True
    region = list(body[window.start : window.end])
    pairs = align(s, region, one_to_one=False)
    return all(
        i in pairs and region[pairs[i]].strip() == ln.strip()
        for i, ln in enumerate(s)
        if ln.strip() in elision.MARKERS
    )


def _lost_blank_change(hunk: HunkShape | None, s: list[str], r: list[str]) -> bool:
    """A hunk that lost lines (its header counts more old lines than it holds) and changes only
    blank lines: REPLACE standing in the file may be the SEARCH whose blank lines were lost."""
    if hunk is None or hunk.lost == 0:
        return False
    return [ln for ln in s if ln.strip()] == [ln for ln in r if ln.strip()]


def _inner_blanks(lines: list[str]) -> int:
    filled = [i for i, ln in enumerate(lines) if ln.strip()]
    return sum(1 for ln in lines[filled[0] : filled[-1]] if not ln.strip()) if filled else 0


def _single(matches: list[Match], hint: int | None) -> Match | None:
    if len(matches) == 1:
        return matches[0]
    if hint is None:
        return None
    by_distance = sorted(matches, key=lambda m: abs(m[0] + 1 - hint))
    nearest, second = by_distance[0], by_distance[1]
    if abs(nearest[0] + 1 - hint) == abs(second[0] + 1 - hint):
        return None
    return nearest


def _replace_already_there(body: Sequence[str], r: list[str], match: Match) -> bool:
    """A retried insertion: SEARCH still matches, but REPLACE already stands around it."""
    if not any(ln.strip() for ln in r):
        return False
    for _, rung in RUNGS[:3]:
        found = rung(body, r)
        if found:
            return any(a <= match[0] and match[1] <= b for a, b in found)
    return False


def _already_applied(body: Sequence[str], s: list[str], r: list[str]) -> str | None:
    """The rung on which REPLACE matches exactly once, when SEARCH matched nowhere."""
    if not any(ln.strip() for ln in r):
        return None
    for name, rung in RUNGS[:3]:
        found = rung(body, r)
        if found:
            return name if len(found) == 1 else None
    if elision.has_elision(r) and len(elision.find(body, r)) == 1:
        return "elision"
    return None


def _misplaced_elision(s: list[str]) -> bool:
    """A `...` line first, last or next to another one: no elision, perhaps a stub's body."""
    return any(not p for p in elision.segments(s))


def _elided(lines: FileLines, s: list[str], r: list[str], unit: str) -> BlockOutcome | None:
    body = lines.body
    s_parts = elision.segments(s)
    if any(not p for p in s_parts):
        return _refused(
            "A `...` line in SEARCH must stand between lines to match (not first, last, or "
            "next to another `...`). Put the real lines before and after each `...`."
        )
    matches = elision.find(body, s)
    if not matches:
        return None
    if len(matches) > 1:
        return _refused(ambiguous([(m.start, m.end) for m in matches], "elision"))
    r_parts = elision.segments(r)
    if len(r_parts) != len(s_parts):
        return _refused(
            f"SEARCH has {len(s_parts) - 1} `...` line(s) but REPLACE has {len(r_parts) - 1}. "
            "Each `...` in SEARCH stands for original lines that are kept: write a `...` line "
            "in REPLACE at the place where those lines go, as many as in SEARCH."
        )
    if _replace_already_there(body, r, (matches[0].start, matches[0].end)):
        return _done(lines.text(), "elision")
    match = matches[0]
    new: list[tuple[str, str | None]] = []
    for i, (start, end) in enumerate(match.spans):
        part = reindent(r_parts[i], s_parts[i], list(body[start:end]), unit)
        new.extend((ln, None) for ln in part)
        if i + 1 < len(match.spans):
            kept = range(end, match.spans[i + 1][0])
            new.extend((body[k], lines.ends[k]) for k in kept)
    return _applied(splice(lines, match.start, match.end, new), "elision")


def _empty_search(lines: FileLines, text: str, r: list[str]) -> BlockOutcome:
    if not lines.body:
        return _applied_text(join_new(r), "new_file")
    if [ln.rstrip() for ln in lines.body] == [ln.rstrip() for ln in r]:
        return _done(text, "new_file")
    return _refused(empty_search_on_file(len(lines.body)))


def _closest(body: Sequence[str], start: int, end: int) -> Closest:
    return Closest(start + 1, end, "".join(ln + "\n" for ln in body[start:end]))


def _applied(lines: FileLines, rung: str) -> BlockOutcome:
    return _applied_text(lines.text(), rung)


def _applied_text(text: str, rung: str) -> BlockOutcome:
    return BlockOutcome(
        result=text, rung=rung, error_message=None, closest=None, already_applied=False
    )


def _done(text: str, rung: str) -> BlockOutcome:
    return BlockOutcome(
        result=text, rung=rung, error_message=None, closest=None, already_applied=True
    )


def _refused(message: str, closest: Closest | None = None) -> BlockOutcome:
    return BlockOutcome(
        result=None, rung=None, error_message=message, closest=closest, already_applied=False
    )
