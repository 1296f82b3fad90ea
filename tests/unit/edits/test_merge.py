"""REPLACE merged into the matched region: lines it keeps stay exactly as the file has them."""

from __future__ import annotations

from pairpad.edits import apply_block, parse_edits, plan_edits
from pairpad.edits.merge import align, merge


def test_kept_lines_come_from_the_file_on_a_tolerant_rung() -> None:
    # SEARCH and REPLACE carry trailing spaces the file has not: only the changed line is new
    text = "def f():\n    a = 1\n    b = 2\n"
    out = apply_block(
        text, "def f():  \n    a = 1 \n    b = 2\n", "def f():  \n    a = 1 \n    b = 3\n"
    )
    assert (out.result, out.rung) == ("def f():\n    a = 1\n    b = 3\n", "trailing_ws")


def test_a_udiff_with_noisy_context_changes_only_its_plus_and_minus_lines() -> None:
    diff = "--- a/m.py\n+++ b/m.py\n@@ -1,3 +1,3 @@\n x = 1   \n-y = 2\n+y = 3\n z = 3\t\n"
    plan = plan_edits(parse_edits(diff), {"m.py": "x = 1\ny = 2\nz = 3\n"}.get)
    assert plan.files[0].after == "x = 1\ny = 3\nz = 3\n"


def test_a_kept_line_is_not_paired_with_an_added_copy_of_it() -> None:
    text = "    def a(self):\n        return None\n\n    def c(self):\n        pass\n"
    search = "    def a(self):\n        return None  \n\n    def c(self):\n"
    replace = (
        "    def a(self):\n        return None  \n\n"
        "    def b(self):\n        return None\n\n    def c(self):\n"
    )
    out = apply_block(text, search, replace)
    assert out.rung == "trailing_ws"
    assert out.result == (
        "    def a(self):\n        return None\n\n"
        "    def b(self):\n        return None\n\n    def c(self):\n        pass\n"
    )


def test_blank_lines_only_the_file_has_meet_replaces_blank_lines_once() -> None:
    # SEARCH lost the blank line; REPLACE has it, next to an insertion: one blank, not two
    text = "from a import b\n\nfrom c import d\n"
    out = apply_block(
        text, "from a import b\nfrom c import d\n", "from a import b\nimport e\n\nfrom c import d\n"
    )
    assert (out.result, out.rung) == (
        "from a import b\nimport e\n\nfrom c import d\n",
        "blank_lines",
    )


def test_merge_directly() -> None:
    window = [("A", "\n"), ("", "\n"), ("B", "\r\n")]
    search, replace = ["A", "B"], ["A", "X", "B"]
    pairs = align(search, [w for w, _ in window], one_to_one=False)
    assert pairs == {0: 0, 1: 2}
    # the file's own lines keep their own endings; new lines get None (the file's ending)
    assert merge(window, search, replace, replace, pairs) == [
        ("A", "\n"),
        ("X", None),
        ("", "\n"),
        ("B", "\r\n"),
    ]


def test_a_search_without_blank_lines_beside_a_replace_with_them_takes_replaces_layout() -> None:
    # the edit removes the blank line between the imports and adds one after them; SEARCH was
    # written without blank lines, REPLACE with them: REPLACE's blank lines are the layout
    text = "import a\n\nimport b\nx = 1\n"
    out = apply_block(text, "import a\nimport b\nx = 1\n", "import a\nimport b\n\nx = 2\n")
    assert (out.result, out.rung) == ("import a\nimport b\n\nx = 2\n", "blank_lines")


def test_a_diff_hunk_missing_a_blank_context_line_keeps_the_files_blank_line() -> None:
    diff = "--- a/m.py\n+++ b/m.py\n@@ -1,3 +1,3 @@\n import a\n import b\n-x = 1\n+x = 2\n"
    plan = plan_edits(parse_edits(diff), {"m.py": "import a\n\nimport b\nx = 1\n"}.get)
    assert plan.files[0].after == "import a\n\nimport b\nx = 2\n"


def test_a_hunk_adding_a_line_like_a_noisy_context_line_keeps_the_context_the_files() -> None:
    diff = "--- a/m.py\n+++ b/m.py\n@@ -1,3 +1,5 @@\n A = {\n+}\n+B = {\n }  \n x\n"
    plan = plan_edits(parse_edits(diff), {"m.py": "A = {\n}\nx\n"}.get)
    assert plan.files[0].after == "A = {\n}\nB = {\n}\nx\n"


def test_a_hunk_without_blank_context_puts_an_insertion_ending_blank_after_the_files_blank() -> (
    None
):
    text = "    def a(self):\n        return None\n\n    def c(self):\n        pass\n"
    diff = (
        "--- a/m.py\n+++ b/m.py\n@@ -1,4 +1,8 @@\n     def a(self):\n         return None\n"
        "+    def b(self):\n+        return None\n+\n     def c(self):\n         pass\n"
    )
    plan = plan_edits(parse_edits(diff), {"m.py": text}.get)
    assert plan.files[0].after == (
        "    def a(self):\n        return None\n\n    def b(self):\n        return None\n\n"
        "    def c(self):\n        pass\n"
    )


def test_a_blank_line_a_hunk_adds_is_added_even_next_to_a_blank_line_it_lost() -> None:
    diff = "--- a/m.py\n+++ b/m.py\n@@ -1,3 +1,4 @@\n import a\n+\n if X:\n-    pass\n+    go()\n"
    plan = plan_edits(parse_edits(diff), {"m.py": "import a\n\nif X:\n    pass\n"}.get)
    assert plan.files[0].after == "import a\n\n\nif X:\n    go()\n"
