"""Taking an AI change back out of a file the user edited since (git merge-file)."""

from __future__ import annotations

from pairpad.changes.merge3 import merge3

BEFORE = "".join(f"{n}\n" for n in range(1, 11))
AI = BEFORE.replace("2\n", "AI\n")


def test_the_users_edit_elsewhere_is_kept() -> None:
    user = AI.replace("8\n", "mine\n")
    merged = merge3(user, AI, BEFORE)
    assert merged.conflicts == 0
    assert merged.text == BEFORE.replace("8\n", "mine\n")


def test_an_edit_of_the_same_lines_is_a_conflict() -> None:
    merged = merge3(AI.replace("AI\n", "mine\n"), AI, BEFORE)
    assert merged.conflicts == 1


def test_trivial_cases_need_no_merge() -> None:
    assert merge3(AI, AI, BEFORE).text == BEFORE  # nothing of the user's
    assert merge3("x\n", AI, AI).text == "x\n"  # nothing to undo
    assert merge3(BEFORE, AI, BEFORE).text == BEFORE  # already undone


def test_non_ascii_and_crlf_survive() -> None:
    before, ai = "é\r\nb\r\nc\r\nd\r\ne\r\n", "é\r\nB\r\nc\r\nd\r\ne\r\n"
    user = ai.replace("e\r\n", "ü\r\n")
    assert merge3(user, ai, before).text == "é\r\nb\r\nc\r\nd\r\nü\r\n"
