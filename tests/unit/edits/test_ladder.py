"""Each rung of the ladder on its own, then through apply_block (which rung wins, what it does)."""

from __future__ import annotations

from pairpad.edits import apply_block
from pairpad.edits.ladder import blank_lines, exact, first_rung, indent, trailing_ws

FILE = ["def f():", "    x = 1  ", "", "    return x"]


def test_exact_finds_every_place_and_nothing_else() -> None:
    assert exact(["a", "b", "a", "b"], ["a", "b"]) == [(0, 2), (2, 4)]
    assert exact(FILE, ["    x = 1"]) == []  # the file has trailing spaces


def test_trailing_ws_ignores_trailing_spaces_only() -> None:
    assert trailing_ws(FILE, ["    x = 1"]) == [(1, 2)]
    assert trailing_ws(FILE, ["x = 1"]) == []


def test_indent_ignores_leading_indentation() -> None:
    assert indent(FILE, ["x = 1", "", "return x"]) == [(1, 4)]
    assert indent(FILE, ["x = 1", "return x"]) == []  # the blank line is still required


def test_blank_lines_spans_from_first_to_last_matched_line() -> None:
    assert blank_lines(FILE, ["x = 1", "return x"]) == [(1, 4)]
    assert blank_lines(FILE, ["", ""]) == []


def test_first_rung_is_the_first_that_matches_at_all() -> None:
    assert first_rung(FILE, ["def f():"]) == ("exact", [(0, 1)])
    assert first_rung(FILE, ["    x = 1"]) == ("trailing_ws", [(1, 2)])
    assert first_rung(FILE, ["x = 1"]) == ("indent", [(1, 2)])
    assert first_rung(FILE, ["x = 1", "return x"]) == ("blank_lines", [(1, 4)])
    assert first_rung(FILE, ["nothing"]) is None


def test_apply_exact() -> None:
    out = apply_block("a\nb\nc\n", "b\n", "B\n")
    assert (out.result, out.rung, out.already_applied) == ("a\nB\nc\n", "exact", False)


def test_apply_trailing_ws_keeps_the_replacement_as_sent() -> None:
    out = apply_block("if x:\n    y = 1   \n", "    y = 1\n", "    y = 2\n")
    assert (out.result, out.rung) == ("if x:\n    y = 2\n", "trailing_ws")


def test_apply_indent_reindents_the_replacement_to_the_file() -> None:
    text = "class A:\n    def f(self):\n        return 1\n"
    out = apply_block(
        text, "def f(self):\n    return 1\n", "def f(self):\n    x = 1\n    return x\n"
    )
    assert out.rung == "indent"
    assert out.result == "class A:\n    def f(self):\n        x = 1\n        return x\n"


def test_apply_blank_lines_tolerates_missing_and_extra_blank_lines() -> None:
    text = "a = 1\n\nb = 2\nc = 3\n"
    out = apply_block(text, "a = 1\nb = 2\n", "a = 10\nb = 20\n")
    # the blank line neither SEARCH nor REPLACE mentions is the file's and stays
    assert (out.result, out.rung) == ("a = 10\n\nb = 20\nc = 3\n", "blank_lines")
    # blank lines SEARCH and REPLACE both have but the file has not stay out (the file wins)
    out = apply_block("x\ny\n", "\nx\n\ny\n\n", "\nx\n\nY\n\n")
    assert (out.result, out.rung) == ("x\nY\n", "blank_lines")
    # blank lines only the file has stay in
    out = apply_block("a\n\n\nb\nc\n", "a\nb\nc\n", "a\nb\nC\n")
    assert (out.result, out.rung) == ("a\n\n\nb\nC\n", "blank_lines")


def test_apply_fuzzy_accepts_a_unique_clearly_best_window() -> None:
    text = (
        "import os\n"
        "\n"
        "def total(items):\n"
        "    s = 0\n"
        "    for i in items:\n"
        "        s += i\n"
        "    return s\n"
        "\n"
        "print(total([1]))\n"
    )
    search = "def total(items):\n    s = 0\n    for item in items:\n        s += i\n    return s\n"
    out = apply_block(text, search, "def total(items):\n    return sum(items)\n")
    assert out.rung == "fuzzy", out.error_message
    assert (
        out.result == "import os\n\ndef total(items):\n    return sum(items)\n\nprint(total([1]))\n"
    )


def test_fuzzy_refuses_two_near_equal_windows_naming_both() -> None:
    block = "def a():\n    value = compute(1)\n    return value + 1\n"
    text = block + "\n" + block.replace("compute(1)", "compute(2)")
    search = block.replace("compute(1)", "compute(3)")
    out = apply_block(text, search, "pass\n")
    assert out.result is None and out.error_message is not None
    assert "lines 1-3" in out.error_message and "lines 5-7" in out.error_message
    assert out.closest is not None


def test_fuzzy_never_matches_fewer_than_three_non_blank_lines() -> None:
    out = apply_block("alpha = compute(1)\nbeta = 2\n", "alpha = compute(2)\n", "x\n")
    assert out.result is None and out.error_message is not None
    assert "must match exactly" in out.error_message
    assert out.closest is not None and out.closest.start_line == 1


def test_fuzzy_threshold_refuses_a_weak_best_window() -> None:
    text = "one = 1\ntwo = 2\nthree = 3\nfour = 4\n"
    out = apply_block(text, "alpha = 9\nbeta = 8\ngamma = 7\n", "x\n")
    assert out.result is None and out.closest is not None
    assert "matches nothing" in (out.error_message or "")
