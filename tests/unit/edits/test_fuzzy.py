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


def test_a_stubs_own_ellipsis_line_does_not_keep_a_search_off_the_fuzzy_rung() -> None:
    text = (
        "class Store(Protocol):\n    def get(self, key: str) -> bytes:\n        ...\n\n"
        "    def put(self, key: str, value: bytes) -> None:\n        ...\n"
    )
    search = (
        "    def get(self, key: str) -> bytes:\n        ...\n\n"
        "    def put(self, key_value: str, value: bytes) -> None:\n        ...\n"
    )
    replace = (
        "    def get(self, key: str) -> bytes: ...\n\n"
        "    def put(self, key: str, value: bytes) -> None: ...\n"
    )
    out = apply_block(text, search, replace)
    assert out.rung == "fuzzy", out.error_message
    assert out.result == "class Store(Protocol):\n" + replace


def test_an_ellipsis_standing_for_omitted_lines_never_goes_fuzzy() -> None:
    text = "def f():\n    alpha = 1\n    beta = 2\n    gamma = 3\n    delta = 4\n"
    search = "def f():\n    alpha = 1\n    ...\n    delta = 5\n"
    out = apply_block(text, search, "def f():\n    alpha = 0\n    ...\n    delta = 5\n")
    assert out.result is None


def test_fuzzy_pairs_blank_lines_the_search_and_file_have_alike_so_removing_one_works() -> None:
    text = "# header line\n\n\nimport alpha\nimport beta\nimport gamma\nimport delta\n"
    search = "# header line\n\n\nimport alpha\nimport betta\nimport gamma\nimport delta\n"
    replace = "# header line\n\nimport alpha\nimport beta\nimport gamma\n"
    out = apply_block(text, search, replace)
    assert out.rung == "fuzzy", out.error_message
    assert out.result == replace


def test_fuzzy_keeps_a_leading_blank_line_the_search_has_when_replace_adds_blank_lines() -> None:
    text = "x = 0\n\nalpha = compute(1)\nbeta = compute(2)\ngamma = compute(3)\n"
    search = "\nalpha = compute(1)\nbeta = compute(2)\ngamma = compute(4)\n"
    replace = "\nalpha = compute(1)\n\nbeta = compute(2)\ngamma = compute(5)\n"
    out = apply_block(text, search, replace)
    assert out.rung == "fuzzy", out.error_message
    assert out.result == "x = 0\n" + replace


def test_a_search_that_lost_an_inner_line_is_refused_not_landed_one_line_short() -> None:
    # the window one line short scores best, ending on `errors`, while `extension` (SEARCH's
    # last line) stands just after it: landing there would drop `errors`, keep `extension`
    text = (
        "from .monkey import get_unpatched\n\nimport distutils.core\nimport distutils.errors\n"
        "import distutils.extension\n\n_Extension = get_unpatched(distutils.core.Extension)\n"
    )
    head = "from .monkey import get_unpatched\n\nimport distutils.core\n"
    out = apply_block(text, head + "import distutils.extension\n", head + "import distutils.ext2\n")
    assert out.result is None
    assert out.error_message is not None and "lines 1-4" in out.error_message
