"""A diff hunk whose blank context lines were lost: its own line order places the added lines."""

from __future__ import annotations

from pairpad.edits import parse_edits, plan_edits
from pairpad.edits.merge_hunk import Group, groups


def _apply(diff: str, text: str) -> tuple[str | None, str]:
    plan = plan_edits(parse_edits("--- a/m.py\n+++ b/m.py\n" + diff), {"m.py": text}.get)
    error = plan.files[0].error
    return plan.files[0].after, error.message if error else ""


def test_a_plus_line_followed_by_a_minus_line_starts_a_new_group() -> None:
    assert groups(" -+-+++ ") == [
        Group(True, range(0, 1), range(0, 1)),
        Group(False, range(1, 2), range(1, 2)),
        Group(False, range(2, 3), range(2, 5)),
        Group(True, range(3, 4), range(5, 6)),
    ]


def test_two_changes_merged_by_a_lost_blank_line_keep_it_between_them() -> None:
    # the hunk lost the blank context line between its two changes; 2 removed and 2 added lines
    # per change must not be paired line for line across it
    text = "class P:\n    def a(self):\n        ...\n\n    def b(self, x):\n        ...\n"
    diff = (
        "@@ -1,6 +1,7 @@\n class P:\n-    def a(self):\n-        ...\n+    def a(self): ...\n"
        "-    def b(self, x):\n-        ...\n+    def b(\n+        self, x\n+    ): ...\n"
    )
    after, error = _apply(diff, text)
    assert after == (
        "class P:\n    def a(self): ...\n\n    def b(\n        self, x\n    ): ...\n"
    ), error


def test_removed_lines_after_a_lost_blank_line_are_replaced_after_it() -> None:
    # `-a, (blank context), -b, +A, +B`: the added lines follow the group's last removed line
    text = "x = 0\na = 1\n\nb = 2\ny = 0\n"
    diff = "@@ -1,5 +1,5 @@\n x = 0\n-a = 1\n-b = 2\n+A = 1\n+B = 2\n y = 0\n"
    after, error = _apply(diff, text)
    assert after == "x = 0\n\nA = 1\nB = 2\ny = 0\n", error


def test_an_insertion_between_context_lines_split_by_lost_blank_lines_is_refused() -> None:
    # before or after the blank line: either is as likely, so no guess
    diff = "@@ -1,3 +1,4 @@\n import a\n+import b\n import c\n"
    after, error = _apply(diff, "import a\n\nimport c\n")
    assert after is None
    assert "blank lines (line 2) after `import a`" in error and "before or after" in error


def test_an_insertion_ending_with_a_blank_line_goes_after_the_files_blank_lines() -> None:
    text = "x = 1\n\n\ndef g():\n    pass\n"
    diff = "@@ -1,5 +1,7 @@\n x = 1\n+def f():\n+    pass\n+\n def g():\n     pass\n"
    after, error = _apply(diff, text)
    assert after == "x = 1\n\n\ndef f():\n    pass\n\ndef g():\n    pass\n", error


def test_an_insertion_starting_with_a_blank_line_goes_before_the_files_blank_lines() -> None:
    text = "x = 1\n\n\ndef g():\n    pass\n"
    diff = "@@ -1,5 +1,7 @@\n x = 1\n+\n+y = 2\n def g():\n     pass\n"
    after, error = _apply(diff, text)
    assert after == "x = 1\n\ny = 2\n\n\ndef g():\n    pass\n", error


def test_an_insertion_just_before_removed_lines_goes_before_the_files_blank_lines() -> None:
    # `+y, -b`: within a group removed lines come first, so the lost context stood between
    text = "a = 1\n\nb = 2\nc = 3\n"
    diff = "@@ -1,4 +1,4 @@\n a = 1\n+y = 0\n-b = 2\n+b = 3\n c = 3\n"
    after, error = _apply(diff, text)
    assert after == "a = 1\ny = 0\n\nb = 3\nc = 3\n", error


def test_a_removed_blank_line_the_file_has_more_of_removes_one() -> None:
    # the hunk kept one of two blank lines as context and lost it: the `-` blank line still goes
    text = "# head\n\n\nx = 1\ny = 2\n"
    diff = "@@ -1,4 +1,3 @@\n # head\n-\n x = 1\n y = 2\n"
    after, error = _apply(diff, text)
    assert after == "# head\n\nx = 1\ny = 2\n", error


def test_a_hunk_that_lost_lines_and_adds_a_blank_line_is_not_taken_as_already_applied() -> None:
    # the header counts 4 old lines, the hunk holds 3: its REPLACE standing in the file is its
    # SEARCH with the lost blank line, not a retry
    text = "from a import b\n\nif X:\n    pass\n"
    diff = "@@ -1,4 +1,5 @@\n from a import b\n+\n if X:\n     pass\n"
    plan = plan_edits(parse_edits("--- a/m.py\n+++ b/m.py\n" + diff), {"m.py": text}.get)
    assert plan.status == "ok"
    assert plan.files[0].after == "from a import b\n\n\nif X:\n    pass\n"


def test_the_same_hunk_counted_as_it_stands_is_a_retry() -> None:
    text = "from a import b\n\nif X:\n    pass\n"
    diff = "@@ -1,3 +1,4 @@\n from a import b\n+\n if X:\n     pass\n"
    plan = plan_edits(parse_edits("--- a/m.py\n+++ b/m.py\n" + diff), {"m.py": text}.get)
    assert plan.status == "already_applied"
