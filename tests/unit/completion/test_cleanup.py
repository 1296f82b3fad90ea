"""Each clean-up rule of inline completion on its own, then the pipeline: what each rule cuts,
and the cases it must leave alone."""

from __future__ import annotations

import pytest

from pairpad.ai.completion.cleanup import (
    clean_completion,
    drop_repetitive_lines,
    drop_suffix_overlap,
    limit_to_line,
    multiline_allowed,
    stop_at_block_end,
    trim_unmatched_closers,
)

# -- stop_at_block_end ----------------------------------------------------------------------

PY_BODY = "def total(items):\n    "


@pytest.mark.parametrize(("prefix", "text", "expected"), [
    # A line dedented below the cursor's block (the next function) ends it.
    (PY_BODY, "s = sum(items)\n    return s\n\ndef other():\n    pass",
     "s = sum(items)\n    return s"),
    # Right after a block opener: the new body ends where a line is back at the opener's level.
    ("def total(items):", "\n    return sum(items)\nprint(total([1]))",
     "\n    return sum(items)"),
    # The cursor at column 0 of a body line: the block is the completion's first line's.
    ("class A:\n    def f(self):\n", "        x = 1\n        return x\n    def g(self):",
     "        x = 1\n        return x"),
    # Nested deeper in the completion, then back to the cursor's level: still the same block.
    (PY_BODY, "for item in items:\n        print(item)\n    return None",
     "for item in items:\n        print(item)\n    return None"),
    # A closer that closes a bracket opened before the cursor ends the completion after it.
    ("total = compute(a, ", "b)\nprint(total)", "b)"),
    ("function f() {", "\n  return 1;\n}\n\nfunction g() {}", "\n  return 1;\n}"),
    # Brackets the completion opens and closes itself do not end it.
    ("items = [\n    ", "(1, 2),\n    (3, 4),\n]", "(1, 2),\n    (3, 4),\n]"),
    # Brackets inside strings are not brackets.
    (PY_BODY, "print(')')\n    return 1", "print(')')\n    return 1"),
])
def test_stop_at_block_end(prefix: str, text: str, expected: str) -> None:
    assert stop_at_block_end(text, prefix, "") == expected


@pytest.mark.parametrize(("prefix", "text"), [
    ("", "import os\nimport sys\n\ndef main():\n    pass"),  # top level: nothing ends it
    ("x = ", "compute(1, 2)"),  # one line, balanced
    (PY_BODY, "if items:\n        return 1\n    return 0"),
    ("    value = ", "[\n        1,\n    ]"),  # the completion's own closer, dedented
])
def test_stop_at_block_end_leaves_text_in_the_block_alone(prefix: str, text: str) -> None:
    assert stop_at_block_end(text, prefix, "") == text


# -- drop_suffix_overlap --------------------------------------------------------------------


@pytest.mark.parametrize(("text", "suffix", "expected"), [
    # The completion ends with the rest of the cursor's line.
    ("a + b) * 2", ") * 2\nprint(x)", "a + b"),
    ("name, default=None):", ", default=None):\n", "name"),
    ("value + 1", "value + 1\n", ""),  # nothing but the rest of the line
    # Its last lines equal the next lines of the file.
    ("\n    x = 1\n    return x", "\n    return x\n", "\n    x = 1"),
    ("\n  return 1;\n}", "\n}\n", "\n  return 1;"),
    # It is nothing but the next lines (the model copied the suffix).
    ("return total\n", "\n    return total\n\ndef other():", ""),
    ("\n    a()\n    b()", "\n    a()\n    b()\n    c()", ""),
])
def test_drop_suffix_overlap(text: str, suffix: str, expected: str) -> None:
    assert drop_suffix_overlap(text, suffix) == expected


@pytest.mark.parametrize(("text", "suffix"), [
    ("a + b", ") * 2\n"),  # does not end with the rest of the line
    ("compute()", ")\n"),  # closers only: trim_unmatched_closers decides
    ("\n    x = 1\n    y = 2", "\n    z = 3\n"),  # different next lines
    # The completion's own `}` (indented) is not the file's outer `}`.
    ("\n    if (a) {\n        b();\n    }", "\n}\n"),
    # Matching lines that are followed by more of the completion are not an echo.
    ("\n    return x\n    x += 1", "\n    return x\n"),
    ("anything", ""),
])
def test_drop_suffix_overlap_leaves_new_text_alone(text: str, suffix: str) -> None:
    assert drop_suffix_overlap(text, suffix) == text


# -- drop_repetitive_lines ------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("x = 1\n    log(x)\n    log(x)\n    log(x)", "x = 1\n    log(x)"),
    ("a()\nb()\na()\nb()\na()", "a()\nb()"),  # a cycle of two lines, kept once
    ("def f():\n    pass\n\ndef f():\n    pass\n", "def f():\n    pass"),
    ("return 1\nreturn 1", "return 1"),
])
def test_drop_repetitive_lines(text: str, expected: str) -> None:
    assert drop_repetitive_lines(text) == expected


@pytest.mark.parametrize("text", [
    "a = 1\nb = 2\nc = 3",
    "x()\n\n\n\ny()",  # blank lines alone are not a repetition
    "        }\n    }\n}",  # closers at different depths
    "}\n}\n",  # closers alone (the first line starts mid-line, so without indentation)
    "a()\nb()\na()",  # a line coming back once, not a cycle
])
def test_drop_repetitive_lines_leaves_distinct_lines_alone(text: str) -> None:
    assert drop_repetitive_lines(text) == text


# -- trim_unmatched_closers -----------------------------------------------------------------


@pytest.mark.parametrize(("prefix", "text", "suffix", "expected"), [
    ("print(", "foo())", ")", "foo()"),  # the editor already closed `print(`
    ("print(", "foo())\n", ")\n", "foo()\n"),  # trailing whitespace kept
    ("x = ", "foo())", "\n", "foo()"),  # closes nothing at all
    ("a[b(", "x)]", ")]", "x"),  # both supplied, in order
    ("a[b(", "x)]", "]", "x)"),  # only the outer one supplied
    ("if (ok) {", "\n  run();\n}", "\n}", "\n  run();\n"),
])
def test_trim_unmatched_closers(prefix: str, text: str, suffix: str, expected: str) -> None:
    assert trim_unmatched_closers(text, prefix, suffix) == expected


@pytest.mark.parametrize(("prefix", "text", "suffix"), [
    ("print(", "foo())", "\n"),  # the suffix does not close it: the closer is needed
    ("print(", "foo()", ")"),  # balanced
    ("x = ", "[1, 2]", ""),
    ("a[b(", "x)]", ")x"),  # the suffix closes `(` only: dropping `]` alone is not it
    ("call(", "a) + f(b)", ")"),  # ends with the completion's own closer
])
def test_trim_unmatched_closers_keeps_needed_closers(prefix: str, text: str,
                                                     suffix: str) -> None:
    assert trim_unmatched_closers(text, prefix, suffix) == text


# -- multiline_allowed, limit_to_line -------------------------------------------------------


@pytest.mark.parametrize(("prefix", "suffix"), [
    ("def f():\n", "\nx = 1"),  # empty line
    ("def f():\n    ", ""),  # whitespace-only line
    ("def f():", "\n"),  # after `:`
    ("function f() {", "}"),  # after `{`, the auto-closed `}` after the cursor
    ("foo(", ")"),
    ("items = [", "]"),
    ("const f = () =>", ""),
])
def test_multiline_allowed(prefix: str, suffix: str) -> None:
    assert multiline_allowed(prefix, suffix)


@pytest.mark.parametrize(("prefix", "suffix"), [
    ("x = compute", "\n"),  # mid-statement
    ("    ", "return x\n"),  # code after the cursor on the same line
    ("def f():", " return 1"),
    ("print(x)", ""),
])
def test_multiline_not_allowed(prefix: str, suffix: str) -> None:
    assert not multiline_allowed(prefix, suffix)


def test_limit_to_line() -> None:
    assert limit_to_line("foo(x)\nbar()") == "foo(x)"
    assert limit_to_line("foo(x)\r\nbar()") == "foo(x)"
    assert limit_to_line("\nbar()") == ""
    assert limit_to_line("foo(x)") == "foo(x)"


# -- the pipeline ---------------------------------------------------------------------------


def test_clean_completion_single_line() -> None:
    assert clean_completion("foo())\nprint(1)", "print(", ")\n", multiline=False) == "foo()"


def test_clean_completion_multi_line_body() -> None:
    prefix = "def total(items):\n    "
    suffix = "\n\ndef main():\n    pass\n"
    raw = ("s = 0\n    for i in items:\n        s += i\n    return s\n\n"
           "def main():\n    pass\n")
    assert clean_completion(raw, prefix, suffix, multiline=True) == (
        "s = 0\n    for i in items:\n        s += i\n    return s")


def test_clean_completion_loop_and_echo() -> None:
    prefix = "def f():\n    "
    raw = "log('a')\n    log('a')\n    log('a')\n    return 1"
    assert clean_completion(raw, prefix, "\n    return 1\n", multiline=True) == "log('a')"


@pytest.mark.parametrize("raw", ["", "   ", "\n\n", "\t\n  \n"])
def test_clean_completion_never_whitespace_only(raw: str) -> None:
    assert clean_completion(raw, "x = ", "", multiline=True) == ""
    assert clean_completion(raw, "x = ", "", multiline=False) == ""


def test_clean_completion_echo_of_the_whole_suffix_is_empty() -> None:
    assert clean_completion("return x", "def f(x):\n    ", "\n    return x\n",
                            multiline=True) == ""


def test_clean_completion_keeps_a_good_completion() -> None:
    assert clean_completion("sum(items)", "    return ", "\n", multiline=False) == "sum(items)"
