"""Fitting context into the window: least relevant first, the user's message never cut."""

from __future__ import annotations

import pytest

from pairpad.ai.budget import TRUNCATED_MARK, build_messages, cut_region, fit_items
from pairpad.ai.providers.base import estimate_tokens
from pairpad.ai.sources.base import ContextItem
from pairpad.errors import TooLarge


async def count(text: str) -> int:
    return estimate_tokens(text)


def item(item_id: str, size: int, priority: int, **kw: object) -> ContextItem:
    return ContextItem(item_id, "file", "x" * size, priority, path=item_id, **kw)  # type: ignore[arg-type]


async def fit(items: list[ContextItem], window: int, text: str = "why?") -> None:
    await fit_items(items, window=window, max_output=100, system="sys", text=text, count=count,
                    model="p:m")


async def test_everything_fits() -> None:
    items = [item("a.py", 400, 70), item("b.py", 400, 80)]
    await fit(items, 4096)
    assert all(i.included and not i.truncated for i in items)
    assert all(i.tokens > 100 for i in items)


async def test_least_relevant_is_dropped_or_truncated_first() -> None:
    selection = item("sel", 800, 100)
    active = item("active.py", 4000, 70)
    folder = item("folder.py", 4000, 40)
    await fit([folder, active, selection], 1000)
    assert selection.included and not selection.truncated
    assert active.included and active.truncated and active.content.endswith(TRUNCATED_MARK)
    assert not folder.included and folder.reason == "over the token budget"


async def test_untruncatable_items_are_dropped_whole() -> None:
    history = ContextItem("history:1", "history", "y" * 4000, 30, truncatable=False)
    await fit([history], 600)
    assert not history.included and history.content == "y" * 4000


async def test_user_message_is_never_truncated() -> None:
    with pytest.raises(TooLarge) as caught:
        await fit([], 500, text="q" * 4000)
    assert "too long" in caught.value.detail and "ai.roles.chat" in caught.value.detail


async def test_excluded_items_stay_out() -> None:
    removed = item("a.py", 40, 70, included=False, reason="removed by you")
    await fit([removed], 4096)
    assert not removed.included and removed.reason == "removed by you"


def test_prompt_layout() -> None:
    items = [
        ContextItem("history:2", "history", "answer", 29, meta={"role": "assistant", "seq": 2}),
        ContextItem("history:1", "history", "question", 28, meta={"role": "user", "seq": 1}),
        ContextItem("file:a.py", "file", "print(1)", 70, path="a.py", language="python",
                    title="Active file"),
        ContextItem("file:b.py", "file", "skip", 10, path="b.py", included=False),
    ]
    messages = build_messages("sys", items, "What does it print?")
    assert [m.role for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[1].content == "question"
    last = messages[-1].content
    assert "Active file: a.py\n```python\nprint(1)\n```" in last
    assert "skip" not in last and last.endswith("Question: What does it print?")


async def test_items_that_cannot_fit_are_never_tokenised_whole() -> None:
    counted: list[int] = []

    async def counting(text: str) -> int:
        counted.append(len(text))
        return estimate_tokens(text)

    window = 2048
    first = item("first.py", 3000, 90)  # fits whole: counted exactly
    big = [item(f"big{i}.py", 400_000, 80 - i) for i in range(5)]
    history = ContextItem("history:1", "history", "h" * 100_000, 30, truncatable=False)
    small = item("small.py", 40, 10)
    await fit_items([first, *big, history, small], window=window, max_output=256,
                    system="sys", text="why?", count=counting, model="p:m")
    assert first.included and not first.truncated
    assert big[0].included and big[0].truncated  # cut to the room left, from a small piece
    assert not any(b.included for b in big[1:]) and not history.included
    # Only budget-sized text was ever tokenised: nothing near the 400k/100k-char items.
    assert max(counted) <= window * 4, sorted(counted)[-3:]
    assert len(counted) <= 12


async def test_a_cautious_cut_still_keeps_an_item_that_fits_whole() -> None:
    # 2 chars/token says it might not fit; counted (at 4 chars/token) it does: not truncated.
    fits = item("fits.py", 2400, 70)
    await fit([fits], 1000)
    assert fits.included and not fits.truncated and fits.content == "x" * 2400


def numbered(lines: int) -> str:
    return "".join(f"line {n:04d} of the file\n" for n in range(1, lines + 1))


async def test_a_file_too_big_for_the_window_is_cut_around_the_cursor() -> None:
    """Issue 8.4: the region around the cursor, not the file's beginning."""
    active = ContextItem("file:big.py", "file", numbered(2000), 70, path="big.py",
                         title="Active file", meta={"focus_line": 1500})
    await fit([active], 1500)
    assert active.included and active.truncated
    assert "line 1500 of the file" in active.content
    assert "line 0001 of the file" not in active.content
    start, end = active.meta["start_line"], active.meta["end_line"]
    assert start < 1500 < end and end - start > 50
    assert f"… (lines 1-{start - 1} not shown)" in active.content
    assert f"(lines {start}-{end})" in (active.title or "")


def test_cut_region_widens_where_the_file_ends() -> None:
    text = numbered(100)
    near_end = cut_region(text, 600, focus_line=99)
    assert near_end.end_line == 100 and near_end.start_line is not None
    assert near_end.start_line < 90  # the room after the end went to lines before
    whole = cut_region(text, len(text), focus_line=50)
    assert whole.whole and whole.text == text
    prefix = cut_region(text, 100, focus_line=None)
    assert prefix.text.startswith("line 0001") and prefix.text.endswith(TRUNCATED_MARK)
