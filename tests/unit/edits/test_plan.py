"""plan_edits: files as a whole: created, deleted, already applied, failed (all-or-nothing)."""

from __future__ import annotations

from collections.abc import Callable

from pairpad.edits import parse_edits, plan_edits


def reader(files: dict[str, str]) -> Callable[[str], str | None]:
    return files.get


def sr(path: str, search: str, replace: str) -> str:
    return f"{path}\n<<<<<<< SEARCH\n{search}=======\n{replace}>>>>>>> REPLACE\n"


def test_several_blocks_apply_in_order_on_the_evolving_text() -> None:
    text = sr("a.py", "x = 1\n", "x = 2\n") + sr("a.py", "x = 2\n", "x = 3\n")
    plan = plan_edits(parse_edits(text), reader({"a.py": "x = 1\n"}))
    assert plan.status == "ok"
    (f,) = plan.files
    assert (f.status, f.before, f.after, f.rungs) == (
        "modified",
        "x = 1\n",
        "x = 3\n",
        ("exact", "exact"),
    )


def test_multi_file_where_the_second_fails_fails_the_plan_but_reports_the_first() -> None:
    text = sr("a.py", "a = 1\n", "a = 2\n") + sr("b.py", "nothing like it\n", "b = 2\n")
    plan = plan_edits(parse_edits(text), reader({"a.py": "a = 1\n", "b.py": "b = 1\n"}))
    assert plan.status == "failed"
    first, second = plan.files
    assert (first.status, first.after) == ("modified", "a = 2\n")
    assert (second.status, second.after) == ("failed", None)
    assert second.error is not None and second.error.block == 1
    assert second.error.message.startswith("b.py: block 2: SEARCH matches nothing")
    assert second.error.closest is not None and second.error.closest.text == "b = 1\n"


def test_the_same_text_twice_is_already_applied_the_second_time() -> None:
    files = {"a.py": "def f():\n    return 1\n"}
    text = sr("a.py", "    return 1\n", "    return 2\n") + sr("new.py", "", "n = 1\n")
    first = plan_edits(parse_edits(text), reader(files))
    assert first.status == "ok"
    assert [f.status for f in first.files] == ["modified", "created"]
    files = {f.path: f.after for f in first.files if f.after is not None}
    second = plan_edits(parse_edits(text), reader(files))
    assert second.status == "already_applied"
    assert [(f.status, f.after == f.before) for f in second.files] == [
        ("already_applied", True),
        ("already_applied", True),
    ]


def test_new_file_from_an_empty_search_and_a_missing_file_with_a_search() -> None:
    plan = plan_edits(parse_edits(sr("n.py", "", "x = 1\n")), reader({}))
    (f,) = plan.files
    assert (f.status, f.before, f.after, f.rungs) == ("created", None, "x = 1\n", ("new_file",))
    plan = plan_edits(parse_edits(sr("n.py", "x\n", "y\n")), reader({}))
    assert plan.status == "failed"
    assert plan.files[0].error is not None and "does not exist" in plan.files[0].error.message


def test_udiff_creates_modifies_and_deletes() -> None:
    diff = (
        "--- a/m.py\n+++ b/m.py\n@@ -40,3 +40,3 @@\n a\n-b\n+B\n c\n"  # wrong line numbers
        "--- /dev/null\n+++ b/n.py\n@@ -0,0 +1 @@\n+new\n"
        "--- a/o.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-old\n"
    )
    plan = plan_edits(parse_edits(diff), reader({"m.py": "a\nb\nc\n", "o.py": "old\n"}))
    assert plan.status == "ok"
    assert [(f.path, f.status, f.after) for f in plan.files] == [
        ("m.py", "modified", "a\nB\nc\n"),
        ("n.py", "created", "new\n"),
        ("o.py", "deleted", None),
    ]
    again = plan_edits(parse_edits(diff), reader({"m.py": "a\nB\nc\n", "n.py": "new\n"}))
    assert again.status == "already_applied"


def test_udiff_no_newline_marker_drops_the_final_newline() -> None:
    diff = "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n\\ No newline at end of file\n"
    plan = plan_edits(parse_edits(diff), reader({"x": "a\nb\n"}))
    assert plan.files[0].after == "a\nc"


def test_udiff_creating_an_existing_different_file_fails() -> None:
    diff = "--- /dev/null\n+++ b/n.py\n@@ -0,0 +1 @@\n+new\n"
    plan = plan_edits(parse_edits(diff), reader({"n.py": "other\n"}))
    assert plan.status == "failed"
    assert plan.files[0].error is not None and "already exists" in plan.files[0].error.message


def test_whole_file_replacement_keeps_crlf_and_detects_a_retry() -> None:
    text = "a.txt\n```\none\ntwo\n```\n"
    plan = plan_edits(parse_edits(text), reader({"a.txt": "zero\r\n"}))
    (f,) = plan.files
    assert (f.status, f.after, f.rungs) == ("modified", "one\r\ntwo\r\n", ("whole",))
    again = plan_edits(parse_edits(text), reader({"a.txt": "one\r\ntwo\r\n"}))
    assert again.status == "already_applied"
    created = plan_edits(parse_edits(text), reader({}))
    assert created.files[0].status == "created"


def test_absolute_and_parent_paths_are_refused() -> None:
    for bad in ("/etc/passwd", "../x.py", "a/../../x.py", "C:\\x.py"):
        plan = plan_edits(parse_edits(sr(bad, "", "x\n")), reader({}))
        assert plan.status == "failed", bad
        error = plan.files[0].error
        assert error is not None and ("absolute" in error.message or "'..'" in error.message)


def test_search_replace_emptying_a_file_keeps_it_as_an_empty_file() -> None:
    plan = plan_edits(parse_edits(sr("a.py", "x = 1\n", "")), reader({"a.py": "x = 1\n"}))
    assert (plan.files[0].status, plan.files[0].after) == ("modified", "")


def test_a_hunk_without_context_on_an_existing_file_asks_for_context() -> None:
    diff = "--- a/x\n+++ b/x\n@@ -1,0 +2 @@\n+new\n"
    plan = plan_edits(parse_edits(diff), reader({"x": "a\nb\n"}))
    assert plan.status == "failed"
    assert plan.files[0].error is not None and "3 lines of context" in plan.files[0].error.message


def test_udiff_line_numbers_break_a_tie_between_identical_places() -> None:
    files = {"x.txt": "a\nb\nc\na\nb\nc\n"}
    diff = "--- a/x.txt\n+++ b/x.txt\n@@ -4,3 +4,3 @@\n a\n-b\n+B\n c\n"
    plan = plan_edits(parse_edits(diff), reader(files))
    assert plan.files[0].after == "a\nb\nc\na\nB\nc\n"
    # the same change as a search/replace block (no hint) is refused as ambiguous
    refused = plan_edits(parse_edits(sr("x.txt", "a\nb\nc\n", "a\nB\nc\n")), reader(files))
    assert refused.status == "failed"
    assert (
        refused.files[0].error is not None
        and "lines 1-3, lines 4-6" in refused.files[0].error.message
    )


def test_udiff_on_a_crlf_file_keeps_crlf() -> None:
    diff = "--- a/w.txt\n+++ b/w.txt\n@@ -1,2 +1,3 @@\n one\n+one and a half\n two\n"
    plan = plan_edits(parse_edits(diff), reader({"w.txt": "one\r\ntwo\r\n"}))
    assert plan.files[0].after == "one\r\none and a half\r\ntwo\r\n"
