"""Git-ignore matching for the explorer."""

from __future__ import annotations

from pathlib import Path

from pairpad.workspace.ignore import IgnoreRules


def _write(root: Path, rel: str, text: str = "") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_root_gitignore_patterns(tmp_path: Path) -> None:
    _write(tmp_path, ".gitignore", "*.log\nbuild/\n/only-root.txt\n!keep.log\n")
    rules = IgnoreRules(tmp_path)
    assert rules.is_ignored("debug.log", is_dir=False)
    assert rules.is_ignored("deep/er/debug.log", is_dir=False)
    assert not rules.is_ignored("keep.log", is_dir=False)
    assert rules.is_ignored("build", is_dir=True)
    assert not rules.is_ignored("build", is_dir=False)  # `build/` matches directories only
    assert rules.is_ignored("only-root.txt", is_dir=False)
    assert not rules.is_ignored("sub/only-root.txt", is_dir=False)
    assert not rules.is_ignored("main.py", is_dir=False)


def test_nested_gitignore_is_relative_to_its_folder_and_overrides(tmp_path: Path) -> None:
    _write(tmp_path, ".gitignore", "*.tmp\n")
    _write(tmp_path, "pkg/.gitignore", "/generated\n!important.tmp\n")
    rules = IgnoreRules(tmp_path)
    assert rules.is_ignored("pkg/generated", is_dir=True)
    assert not rules.is_ignored("generated", is_dir=True)
    assert not rules.is_ignored("pkg/important.tmp", is_dir=False)
    assert rules.is_ignored("other.tmp", is_dir=False)


def test_everything_below_an_ignored_directory_is_ignored(tmp_path: Path) -> None:
    _write(tmp_path, ".gitignore", "node_modules/\n")
    _write(tmp_path, "node_modules/lib/.gitignore", "!*\n")
    rules = IgnoreRules(tmp_path)
    listing = rules.for_directory("node_modules/lib")
    assert listing.parent_ignored
    assert listing.is_ignored("index.js", is_dir=False)


def test_git_info_exclude_counts(tmp_path: Path) -> None:
    _write(tmp_path, ".git/info/exclude", "secret.env\n")
    rules = IgnoreRules(tmp_path)
    assert rules.is_ignored("secret.env", is_dir=False)
    assert not rules.is_ignored("public.env", is_dir=False)


def test_edits_to_a_gitignore_are_picked_up(tmp_path: Path) -> None:
    _write(tmp_path, ".gitignore", "a.txt\n")
    rules = IgnoreRules(tmp_path)
    assert rules.is_ignored("a.txt", is_dir=False)
    _write(tmp_path, ".gitignore", "b.txt\n# longer, so the size changes too\n")
    assert not rules.is_ignored("a.txt", is_dir=False)
    assert rules.is_ignored("b.txt", is_dir=False)


def test_a_gitignore_behind_a_link_leading_outside_is_not_read(tmp_path: Path) -> None:
    root, outside = tmp_path / "ws", tmp_path / "outside"
    root.mkdir()
    _write(outside, ".gitignore", "*\n")
    (root / "link").symlink_to(outside)
    assert not IgnoreRules(root).is_ignored("link/x.txt", is_dir=False)
