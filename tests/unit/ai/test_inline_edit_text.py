"""Inline edit's pure parts: fence and prose stripping (whole and streamed), re-indentation,
the trailing newline, the context trimming and the prompt."""

from __future__ import annotations

import random

import pytest

from pairpad.ai.inline_edit_text import (
    InlineEditRequest,
    Placement,
    build_messages,
    clean_stream,
    finish,
    reindent,
    split_budget,
    strip_fences,
    trim_prefix,
    trim_suffix,
)

WHOLE_LINES = Placement(indent="    ", inline_first=False, ends_with_newline=True)
TOP_LEVEL = Placement(indent="", inline_first=False, ends_with_newline=True)


# --- strip_fences ------------------------------------------------------------------------------


def test_plain_code_is_kept() -> None:
    assert strip_fences("x = 1\ny = 2\n") == "x = 1\ny = 2\n"


def test_fence_with_language_is_dropped() -> None:
    assert strip_fences("```python\nx = 1\n```\n") == "x = 1\n"


def test_prose_before_the_fence_and_after_it_is_dropped() -> None:
    raw = "Here is the updated code:\n\n```py\ndef f():\n    return 2\n```\nThis returns 2."
    assert strip_fences(raw) == "def f():\n    return 2\n"


def test_unclosed_fence_keeps_the_rest() -> None:
    assert strip_fences("```\nx = 1\ny = 2") == "x = 1\ny = 2"


def test_a_fence_after_many_code_lines_is_only_a_closing_one() -> None:
    raw = "a = 1\nb = 2\nc = 3\nd = 4\n```\ntrailing prose"
    assert strip_fences(raw) == "a = 1\nb = 2\nc = 3\nd = 4\n"


def test_streaming_never_shows_a_fence_or_the_prose() -> None:
    raw = "Sure! Here it is:\n```python\nx = 1\n```"
    for end in range(len(raw) + 1):
        shown = strip_fences(raw[:end], final=False)
        assert "`" not in shown and "Sure" not in shown, (end, shown)


def test_streaming_holds_a_partial_line_that_could_be_the_closing_fence() -> None:
    assert strip_fences("```\nx = 1\n``", final=False) == "x = 1\n"
    assert strip_fences("```\nx = 1\n  ", final=False) == "x = 1\n"
    assert strip_fences("```\nx = 1\ny", final=False) == "x = 1\ny"


def test_streaming_holds_the_first_lines_until_no_fence_can_follow() -> None:
    assert strip_fences("def f():\n", final=False) == ""
    # an indented line is code, never the prose before a fence: decided at once
    assert strip_fences("def f():\n    return 1\n", final=False) == "def f():\n    return 1\n"
    assert strip_fences("a = 1\nb = 2\nc = 3\nd", final=False) == "a = 1\nb = 2\nc = 3\nd"


ANSWERS = [
    "```python\ndef add(a, b):\n    return a + b\n```",
    "Here you go:\n```\nx = [\n    1,\n]\n```\nDone.",
    "value = compute()\nprint(value)\n",
    "a\nb\nc\nd\ne\n",
    "\n\n```js\nconst x = 1;\n```\n",
    "return a + b",
]


@pytest.mark.parametrize("raw", ANSWERS)
@pytest.mark.parametrize("placement", [WHOLE_LINES, TOP_LEVEL,
                                       Placement("    ", inline_first=True,
                                                 ends_with_newline=False)])
def test_streamed_text_only_grows_and_ends_as_the_whole_answer_cleaned(
    raw: str, placement: Placement
) -> None:
    rng = random.Random(raw)
    for _ in range(20):
        cuts = sorted(rng.sample(range(1, len(raw)), k=min(6, len(raw) - 1)))
        shown = ""
        for end in [*cuts, len(raw)]:
            now = clean_stream(raw[:end], placement)
            assert now.startswith(shown), (raw[:end], shown, now)
            shown = now
        # what streamed is the start of the whole answer cleaned; `finish` only matches the
        # trailing newline to the selection's
        whole = reindent(strip_fences(raw), placement)
        assert whole.startswith(shown), (whole, shown)
        assert finish(raw, placement) == (whole.rstrip("\n") + "\n" * placement.ends_with_newline
                                          if whole.strip() else "")


# --- reindent / finish -------------------------------------------------------------------------


def test_dedented_answer_gets_the_selection_indentation_back() -> None:
    placement = Placement.of("class A:\n", "    def f(self):\n        return 1\n")
    assert placement == WHOLE_LINES
    raw = "def f(self):\n    return 2\n\n# done\n"
    assert finish(raw, placement) == "    def f(self):\n        return 2\n\n    # done\n"


def test_an_answer_that_kept_the_indentation_is_left_alone() -> None:
    raw = "    def f(self):\n        return 2\n"
    assert finish(raw, WHOLE_LINES) == raw


def test_selection_inside_a_line_keeps_its_first_line_as_the_continuation() -> None:
    placement = Placement.of("def f():\n    ", "return a - b", "\n")
    assert placement == Placement("    ", inline_first=True, ends_with_newline=False)
    assert finish("    return a + b\n", placement) == "return a + b"
    assert finish("if a:\nreturn 1\n", placement) == "if a:\n    return 1"


def test_trailing_newline_matches_the_selection() -> None:
    assert finish("x = 2", Placement("", False, True)) == "x = 2\n"
    assert finish("x = 2\n\n", Placement("", False, False)) == "x = 2"
    assert finish("```\n```", TOP_LEVEL) == ""


def test_insertion_at_the_start_of_a_line_with_text_ends_its_own_line() -> None:
    assert Placement.of("a = 1\n", "", "b = 2\n").ends_with_newline
    assert not Placement.of("a = 1\n", "", "\nb = 2\n").ends_with_newline


# --- trimming and the prompt -------------------------------------------------------------------


def test_trim_keeps_whole_lines_nearest_the_selection() -> None:
    prefix = "line1\nline2\nline3\n"
    assert trim_prefix(prefix, 100) == prefix
    assert trim_prefix(prefix, 8) == "line3\n"
    assert trim_prefix(prefix, 3) == ""
    suffix = "after1\nafter2\n"
    assert trim_suffix(suffix, 9) == "after1\n"
    assert trim_suffix(suffix, 0) == ""


def test_split_budget_gives_the_unused_share_to_the_other_side() -> None:
    prefix = "".join(f"p{i}\n" for i in range(100))
    before, after = split_budget(60, prefix, "s\n")
    assert after == "s\n" and len(before) <= 58 and before.endswith("p99\n")
    before, after = split_budget(60, prefix, "".join(f"s{i}\n" for i in range(100)))
    assert len(before) <= 40 and len(after) <= 20 + 4 and after.startswith("s0\n")


def request(**extra: object) -> InlineEditRequest:
    base: dict[str, object] = {
        "path": "pkg/calc.py", "language": "python", "instruction": "make it add",
        "range": {"start_line": 2, "start_column": 1, "end_line": 3, "end_column": 1},
        "text": "    return a - b\n", "prefix": "def add(a, b):\n",
        "suffix": "\n\nprint(add(1, 2))\n"}
    return InlineEditRequest.model_validate({**base, **extra})


def test_prompt_has_path_language_context_selection_and_instruction() -> None:
    messages = build_messages(request(), "def add(a, b):\n", "\n\nprint(add(1, 2))\n")
    assert [m.role for m in messages] == ["system", "user"]
    assert "no Markdown code fences" in messages[0].content
    user = messages[1].content
    for part in ("pkg/calc.py", "Language: python", "def add(a, b):", "return a - b",
                 "print(add(1, 2))", "Instruction: make it add"):
        assert part in user, part
    assert user.index("def add") < user.index("return a - b") < user.index("print(add")


def test_refining_sends_the_previous_round_then_the_follow_up() -> None:
    refine = request(instruction="and document it",
                     previous={"instruction": "make it add", "text": "    return a + b\n"})
    messages = build_messages(refine, "", "")
    assert [m.role for m in messages] == ["system", "user", "assistant", "user"]
    assert "Instruction: make it add" in messages[1].content
    assert messages[2].content == "    return a + b\n"
    assert "and document it" in messages[3].content
