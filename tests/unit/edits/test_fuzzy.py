"""The fuzzy rung's ranking: threshold, margin, anchors, and the closest region."""

from __future__ import annotations

from pairpad.edits import apply_block
from pairpad.edits.fuzzy import THRESHOLD, accepted, rank

BODY = [
    "def apply_block(",
    "    text: str, search: str, replace: str, *, line_hint: int | None = None",
    ") -> BlockOutcome:",
    '    """Replace the one place `search` matches in `text` by `replace`."""',
    "    lines = split_file(text)",
]


def test_an_identical_window_scores_one_and_is_accepted() -> None:
    ranking = rank(BODY, BODY[1:4])
    assert ranking.best is not None
    assert (ranking.best.start, ranking.best.end, ranking.best.score) == (1, 4, 1.0)
    assert accepted(ranking)


def test_a_search_that_lost_a_long_line_does_not_match_a_shorter_window() -> None:
    # Without anchors the last two (long) lines alone score ~0.9 and the edit would drop lines.
    search = [BODY[0], BODY[2], BODY[3]]
    ranking = rank(BODY, search)
    assert ranking.best is None or ranking.best.start == 0
    assert not accepted(ranking)


def test_a_window_under_the_threshold_is_refused_but_is_the_closest_region() -> None:
    search = ["def apply_block(", "    body: bytes,", ") -> None:"]
    ranking = rank(BODY, search)
    assert ranking.closest is not None and ranking.closest.start == 0
    assert ranking.closest.score < THRESHOLD
    assert not accepted(ranking)


def test_fuzzy_leaves_blank_lines_around_the_window_alone() -> None:
    text = "a = 1\n\nalpha = compute(1)\nbeta = compute(2)\ngamma = compute(3)\n\nz = 0\n"
    search = "\nalpha = compute(1)\nbeta = compute(2)\ngamma = compute(4)\n\n"
    replace = "\nalpha = compute(1)\nbeta = compute(2)\ngamma = compute(5)\n\n"
    out = apply_block(text, search, replace)
    assert out.rung == "fuzzy", out.error_message
    assert out.result == text.replace("compute(3)", "compute(5)")
