"""Name identity as case-insensitive, normalising file systems see it (issue 9, finding 4)."""

from __future__ import annotations

import unicodedata

import pytest

from pairpad.workspace.names import is_git_dir_name, name_key, same_name


@pytest.mark.parametrize(
    "name",
    [
        ".git",
        ".GIT",
        ".Git",
        ".gIt",
        ".git.",  # Windows drops trailing dots
        ".git ",  # … and spaces
        ".git. .",
        ".g\u200cit",  # HFS+ ignores zero-width non-joiner
        "\ufeff.git",  # … and a byte-order mark
        ".\u0047\u0130t".replace("\u0130", "I"),  # .GIt
    ],
)
def test_spellings_of_git_are_git(name: str) -> None:
    assert is_git_dir_name(name)


@pytest.mark.parametrize("name", [".github", "git", ".gitignore", "._git", ".git2", ".gi", ""])
def test_other_names_are_not_git(name: str) -> None:
    assert not is_git_dir_name(name)


def test_unicode_normal_forms_compare_equal() -> None:
    composed, decomposed = "caf\u00e9", unicodedata.normalize("NFD", "caf\u00e9")
    assert composed != decomposed
    assert same_name(composed, decomposed)
    assert same_name("Straße", "STRASSE")  # full case folding, not lower()
    assert name_key("README.md") == name_key("readme.MD")
    assert not same_name("a.txt", "b.txt")
