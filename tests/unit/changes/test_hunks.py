"""Hunks of a change set's file and the text their review states leave."""

from __future__ import annotations

import itertools

from pairpad.changes.hunks import HunkState, effective, placed, spans, unified

BEFORE = "a\nb\nc\nd\ne\nf\ng\n"
AFTER = "a\nB\nc\nd\nnew\ne\nf\n"  # b changed, "new" inserted, g deleted


def test_each_run_of_changed_lines_is_one_hunk() -> None:
    assert [(s.old_start, s.old_end, s.new_start, s.new_end) for s in spans(BEFORE, AFTER)] == [
        (1, 2, 1, 2), (4, 4, 4, 5), (6, 7, 7, 7)]


def test_every_combination_of_states_puts_exactly_the_rejected_hunks_back() -> None:
    options: list[HunkState] = ["pending", "accepted", "rejected"]
    for states in itertools.product(options, repeat=3):
        text = effective(BEFORE, AFTER, list(states))
        keep = [s != "rejected" for s in states]
        expected = ("a\n" + ("B\n" if keep[0] else "b\n") + "c\nd\n" + ("new\n" if keep[1] else "")
                    + "e\nf\n" + ("" if keep[2] else "g\n"))
        assert text == expected, states


def test_placed_hunks_count_lines_as_the_diff_editor_shows_them() -> None:
    hunks = placed(BEFORE, AFTER, ["pending", "pending", "pending"])
    assert [(h.old_start, h.old_lines, h.new_start, h.new_lines) for h in hunks] == [
        (2, 1, 2, 1), (4, 0, 5, 1), (7, 1, 7, 0)]
    # The first hunk rejected: its old line is back, and later hunks keep their places.
    hunks = placed(BEFORE, "a\nB\nB2\nc\nd\ne\nf\ng\nh\n", ["rejected", "pending"])
    assert [(h.state, h.new_start, h.new_lines) for h in hunks] == [
        ("rejected", 2, 1), ("pending", 8, 1)]


def test_created_and_deleted_files() -> None:
    assert len(spans(None, "x\ny\n")) == 1
    assert effective(None, "x\n", ["rejected"]) == ""
    assert effective("x\n", None, ["pending"]) == ""
    assert unified("n.py", None, "x\n") == "--- /dev/null\n+++ b/n.py\n@@ -0,0 +1 @@\n+x\n"
    assert unified("o.py", "x\n", None) == "--- a/o.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n"


def test_a_missing_final_newline_is_marked_as_git_does() -> None:
    diff = unified("a.py", "x\ny", "x\nz")
    assert diff.endswith("-y\n\\ No newline at end of file\n+z\n\\ No newline at end of file\n")
    assert unified("a.py", "same\n", "same\n") == ""


def test_crlf_lines_keep_their_endings() -> None:
    assert effective("a\r\nb\r\n", "a\r\nB\r\n", ["rejected"]) == "a\r\nb\r\n"
    assert effective("a\r\nb\r\n", "a\r\nB\r\n", ["accepted"]) == "a\r\nB\r\n"
