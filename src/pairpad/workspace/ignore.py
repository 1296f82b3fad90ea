"""Git-ignore matching for the explorer: `.gitignore` at any depth plus `.git/info/exclude`.

Works in folders that are not git repositories too (their `.gitignore` still counts), as
ripgrep does with `--no-require-git`. Parsed files are cached by (mtime, size).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path

import pathspec
from pathspec.patterns.gitwildmatch import GitWildMatchPattern

_Rules = tuple[str, Sequence[GitWildMatchPattern]]  # (base dir rel, patterns)


class IgnoreRules:
    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.realpath(root))
        self._cache: dict[str, tuple[int, int, list[GitWildMatchPattern]]] = {}
        self._lock = threading.Lock()

    def for_directory(self, dir_rel: str) -> DirectoryIgnores:
        """Rules for the entries of one directory (logical path, '' = root)."""
        parts = dir_rel.split("/") if dir_rel else []
        rules: list[_Rules] = []
        exclude = self._patterns(self.root / ".git" / "info" / "exclude")
        if exclude:
            rules.append(("", exclude))
        parent_ignored = False
        for depth in range(len(parts) + 1):
            base = "/".join(parts[:depth])
            if depth and not parent_ignored:
                # An ignored directory ignores everything below it (git cannot re-include).
                parent_ignored = _matches(rules, base, is_dir=True)
            patterns = self._patterns(self.root.joinpath(*parts[:depth], ".gitignore"))
            if patterns:
                rules.append((base, patterns))
        return DirectoryIgnores(dir_rel, rules, parent_ignored)

    def is_ignored(self, rel: str, is_dir: bool) -> bool:
        parent, _, name = rel.rpartition("/")
        return self.for_directory(parent).is_ignored(name, is_dir)

    def _patterns(self, path: Path) -> list[GitWildMatchPattern]:
        real = os.path.realpath(path)
        if os.path.commonpath([str(self.root), real]) != str(self.root):
            return []  # a symlinked ancestor leading outside: its rules are not ours
        try:
            info = os.stat(real)
        except OSError:
            return []
        key = str(real)
        with self._lock:
            cached = self._cache.get(key)
            if cached and cached[0] == info.st_mtime_ns and cached[1] == info.st_size:
                return cached[2]
        try:
            with open(real, encoding="utf-8", errors="replace") as handle:
                lines = handle.read().splitlines()
        except OSError:
            return []
        spec = pathspec.GitIgnoreSpec.from_lines(lines)
        patterns = [p for p in spec.patterns if isinstance(p, GitWildMatchPattern)]
        with self._lock:
            self._cache[key] = (info.st_mtime_ns, info.st_size, patterns)
        return patterns


class DirectoryIgnores:
    def __init__(self, dir_rel: str, rules: list[_Rules], parent_ignored: bool) -> None:
        self.dir_rel = dir_rel
        self.rules = rules
        self.parent_ignored = parent_ignored

    def is_ignored(self, name: str, is_dir: bool) -> bool:
        if self.parent_ignored:
            return True
        rel = f"{self.dir_rel}/{name}" if self.dir_rel else name
        return _matches(self.rules, rel, is_dir)


def _matches(rules: Sequence[_Rules], rel: str, is_dir: bool) -> bool:
    """Last matching pattern wins; deeper files come later, so they take precedence."""
    result = False
    for base, patterns in rules:
        if base:
            if not rel.startswith(base + "/"):
                continue
            sub = rel[len(base) + 1 :]
        else:
            sub = rel
        candidate = sub + "/" if is_dir else sub
        for pattern in patterns:
            if pattern.include is not None and pattern.match_file(candidate) is not None:
                result = pattern.include
    return result
