"""apply_block: refusals (ambiguous, missing), retries, elision, line endings and indentation."""

from __future__ import annotations

from pairpad.edits import apply_block


def test_ambiguous_is_refused_naming_every_place_and_changes_nothing() -> None:
    text = "x = 1\ny = 2\nx = 1\ny = 2\n"
    out = apply_block(text, "x = 1\ny = 2\n", "x = 3\ny = 2\n")
    assert out.result is None and out.rung is None
    assert out.error_message is not None
    assert "2 places" in out.error_message
    assert "lines 1-2" in out.error_message and "lines 3-4" in out.error_message


def test_ambiguity_is_decided_on_the_first_rung_that_matches() -> None:
    # one exact match and one only when indentation is ignored: the exact one wins
    text = "x = 1\nif a:\n    x = 1\n"
    out = apply_block(text, "x = 1\n", "x = 2\n")
    assert (out.result, out.rung) == ("x = 2\nif a:\n    x = 1\n", "exact")


def test_a_line_hint_breaks_a_tie() -> None:
    text = "a\nb\na\nb\n"
    out = apply_block(text, "a\n", "A\n", line_hint=3)
    assert out.result == "a\nb\nA\nb\n"


def test_missing_match_reports_the_closest_region() -> None:
    text = (
        "def load(path):\n"
        "    with open(path) as f:\n"
        "        return f.read()\n"
        "\n"
        "\n"
        "def save(path, data):\n"
        "    pass\n"
    )
    search = (
        "def load(path):\n"
        "    with open(path, 'rb') as fh:\n"
        "        data = fh.read()\n"
        "        return data\n"
    )
    out = apply_block(text, search, "x\n")
    assert out.result is None and out.closest is not None
    assert (out.closest.start_line, out.closest.end_line) == (1, 3)
    assert (
        out.closest.text == "def load(path):\n    with open(path) as f:\n        return f.read()\n"
    )
    assert out.error_message is not None
    assert "lines 1-3" in out.error_message and "with open(path) as f:" in out.error_message


def test_a_retried_edit_is_already_applied_and_changes_nothing() -> None:
    text = "a = 1\nb = 2\n"
    first = apply_block(text, "b = 2\n", "b = 3\n")
    assert first.result == "a = 1\nb = 3\n" and not first.already_applied
    second = apply_block(first.result, "b = 2\n", "b = 3\n")
    assert second.already_applied and second.result == first.result and second.error_message is None


def test_a_retried_insertion_is_already_applied_though_search_still_matches() -> None:
    text = "def f():\n    return 1\n"
    edit = ("def f():\n", "def f():\n    '''Doc.'''\n")
    first = apply_block(text, *edit)
    assert first.result == "def f():\n    '''Doc.'''\n    return 1\n"
    second = apply_block(first.result, *edit)
    assert second.already_applied and second.result == first.result


def test_identical_search_and_replace_is_refused() -> None:
    out = apply_block("a\n", "a\n", "a\n")
    assert out.result is None and "identical" in (out.error_message or "")


def test_elision_keeps_the_elided_lines() -> None:
    text = "def f():\n    a = 1\n    b = 2\n    c = 3\n    return a\n"
    out = apply_block(text, "def f():\n...\n    return a\n", "def f(x):\n...\n    return x\n")
    assert out.rung == "elision"
    assert out.result == "def f(x):\n    a = 1\n    b = 2\n    c = 3\n    return x\n"


def test_elision_needs_as_many_markers_in_replace() -> None:
    text = "def f():\n    a = 1\n    return a\n"
    out = apply_block(text, "def f():\n...\n    return a\n", "def f():\n    return 2\n")
    assert out.result is None and "`...`" in (out.error_message or "")


def test_a_literal_ellipsis_line_matches_before_elision() -> None:
    text = "class P(Protocol):\n    def f(self) -> int:\n        ...\n"
    out = apply_block(
        text, "    def f(self) -> int:\n        ...\n", "    def f(self) -> str:\n        ...\n"
    )
    assert out.rung == "exact"
    assert out.result == "class P(Protocol):\n    def f(self) -> str:\n        ...\n"


def test_crlf_file_stays_crlf_with_an_lf_edit() -> None:
    text = "a\r\nb\r\nc\r\n"
    out = apply_block(text, "b\n", "B\nB2\n")
    assert out.result == "a\r\nB\r\nB2\r\nc\r\n"


def test_missing_final_newline_is_preserved() -> None:
    out = apply_block("a\nb", "b\n", "B\n")
    assert out.result == "a\nB"
    out = apply_block("a\nb", "a\nb\n", "a\n")
    assert out.result == "a"


def test_tab_indented_file_with_a_space_indented_edit_keeps_tabs() -> None:
    text = "func main() {\n\tif ok {\n\t\treturn\n\t}\n}\n"
    search = "    if ok {\n        return\n    }\n"
    replace = "    if ok {\n        log()\n        return\n    }\n"
    out = apply_block(text, search, replace)
    assert out.rung == "indent"
    assert out.result == "func main() {\n\tif ok {\n\t\tlog()\n\t\treturn\n\t}\n}\n"


def test_empty_search_creates_content_only_in_an_empty_file() -> None:
    assert apply_block("", "", "new\n").result == "new\n"
    done = apply_block("new\n", "", "new\n")
    assert done.already_applied
    refused = apply_block("old\n", "", "new\n")
    assert refused.result is None and "exists" in (refused.error_message or "")


def test_a_two_space_edit_into_a_four_space_file_takes_the_files_step() -> None:
    text = "class A:\n    def f(self):\n        if x:\n            return 1\n"
    search = "def f(self):\n  if x:\n    return 1\n"
    replace = "def f(self):\n  if x:\n    log()\n    return 1\n  return 0\n"
    out = apply_block(text, search, replace)
    assert out.rung == "indent"
    assert out.result == (
        "class A:\n    def f(self):\n        if x:\n            log()\n"
        "            return 1\n        return 0\n"
    )


def test_elision_refuses_an_ambiguous_match() -> None:
    text = "def f():\n    pass\n    return 1\ndef f():\n    pass\n    return 1\n"
    out = apply_block(text, "def f():\n...\n    return 1\n", "def g():\n...\n    return 1\n")
    assert out.result is None and "2 places" in (out.error_message or "")


def test_elision_written_as_a_comment() -> None:
    text = "function f() {\n  a();\n  b();\n  return 1;\n}\n"
    out = apply_block(
        text, "function f() {\n  // ...\n  return 1;\n", "function g() {\n  // ...\n  return 2;\n"
    )
    assert out.rung == "elision"
    assert out.result == "function g() {\n  a();\n  b();\n  return 2;\n}\n"


def test_odd_docstring_indentation_is_moved_not_stretched() -> None:
    text = 'def f():\n    """Doc.\n\n      *frozen* is False.\n    """\n'
    search = '"""Doc.\n\n  *frozen* is False.\n"""\n'
    replace = '"""Doc.\n\n  *frozen* is True.\n"""\n'
    out = apply_block(text, search, replace)
    assert out.rung == "indent"
    assert out.result == 'def f():\n    """Doc.\n\n      *frozen* is True.\n    """\n'
