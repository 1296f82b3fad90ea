"""Property: a SEARCH/REPLACE made from a real difflib change of a random text gives the new one."""

from __future__ import annotations

import difflib

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pairpad.edits import EditParseError, apply_block, parse_edits, plan_edits

line = st.text(alphabet="ab \t=()x:.", max_size=8)
lines = st.lists(line, max_size=25)


def _text(ls: list[str], eol: str = "\n") -> str:
    return "".join(ln + eol for ln in ls)


def _count(haystack: list[str], needle: list[str]) -> int:
    n = len(needle)
    return sum(1 for i in range(len(haystack) - n + 1) if haystack[i : i + n] == needle)


def _stripped(ls: list[str]) -> list[str]:
    return [ln.strip() for ln in ls]


@settings(max_examples=200, deadline=None)
@given(old=lines, new=lines, eol=st.sampled_from(["\n", "\r\n"]))
def test_applying_each_difflib_change_as_a_block_gives_the_new_text(
    old: list[str], new: list[str], eol: str
) -> None:
    """The file's line ending (LF or CRLF) is kept though the blocks come with LF."""
    current = list(old)
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in reversed(opcodes):
        if tag == "equal":
            continue
        # widen the context until SEARCH has content and stands exactly once in the file
        context = 0
        while True:
            a, b = max(0, i1 - context), min(len(current), i2 + context)
            search = current[a:b]
            if any(s.strip() for s in search) and _count(current, search) == 1:
                break
            assume(a > 0 or b < len(current))
            context += 1
        replace = current[a:i1] + new[j1:j2] + current[i2:b]
        assume(search != replace)
        # precondition of a fresh edit: its result is not in the file yet (else: "already applied")
        assume(_count(_stripped(current), _stripped(replace)) == 0 or not any(replace))
        expected = current[:i1] + new[j1:j2] + current[i2:]
        out = apply_block(_text(current, eol), _text(search), _text(replace))
        assert out.error_message is None
        assert out.rung == "exact" and not out.already_applied
        assert out.result == _text(expected, eol)
        current = expected
    assert current == new


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="ab \t\n\r.=", max_size=80),
    search=st.text(alphabet="ab \t\n.=", max_size=40),
    replace=st.text(alphabet="ab \t\n.=", max_size=40),
)
def test_apply_block_always_answers_never_raises(text: str, search: str, replace: str) -> None:
    out = apply_block(text, search, replace)
    assert (out.result is None) == (out.error_message is not None)
    if out.already_applied:
        assert out.result == text


_PIECES = st.sampled_from(
    [
        "a.py\n",
        "<<<<<<< SEARCH\n",
        "=======\n",
        ">>>>>>> REPLACE\n",
        "```python\n",
        "```\n",
        "--- a/a.py\n",
        "+++ b/a.py\n",
        "--- /dev/null\n",
        "+++ /dev/null\n",
        "@@ -1,2 +1,2 @@\n",
        " x\n",
        "-x\n",
        "+y\n",
        "\\ No newline at end of file\n",
        "x\n",
        "\n",
        "...\n",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(_PIECES, max_size=14), current=st.sampled_from([None, "", "x\n", "x\ny\nx\n"])
)
def test_any_text_parses_or_raises_edit_parse_error_and_plans(
    pieces: list[str], current: str | None
) -> None:
    try:
        parsed = parse_edits("".join(pieces), path="open.py")
    except EditParseError as error:
        assert str(error)
        return
    plan = plan_edits(parsed, lambda _path: current)
    assert (plan.status == "failed") == any(f.status == "failed" for f in plan.files)
    for f in plan.files:
        assert (f.error is not None) == (f.status == "failed")
