"""Ignore matching for the explorer, as ripgrep sees it (`visibility.py` passes the same
files to ripgrep): `.gitignore`, `.ignore` and `.rgignore` at any depth, `.git/info/exclude`
and the root `.pairpadignore` (ripgrep's `--ignore-file`, the lowest precedence).

Works in folders that are not git repositories too (their `.gitignore` still counts), as
ripgrep does with `--no-require-git`. Parsed files are cached by (mtime, size).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path

import pathspec

_Rules = tuple[str, pathspec.GitIgnoreSpec]  # (base dir rel, its patterns)
PAIRPADIGNORE = ".pairpadignore"
# Per folder, in ripgrep's order of precedence (a later file overrides an earlier one).
FOLDER_IGNORE_FILES = (".gitignore", ".ignore", ".rgignore")


class IgnoreRules:
    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.realpath(root))
        self._cache: dict[str, tuple[int, int, pathspec.GitIgnoreSpec | None]] = {}
        self._lock = threading.Lock()

    def for_directory(self, dir_rel: str) -> DirectoryIgnores:
        """Rules for the entries of one directory (logical path, '' = root)."""
        parts = dir_rel.split("/") if dir_rel else []
        rules: list[_Rules] = []
        for base_file in (self.root / PAIRPADIGNORE, self.root / ".git" / "info" / "exclude"):
            base_spec = self._spec(base_file)
            if base_spec:
                rules.append(("", base_spec))
        parent_ignored = False
        for depth in range(len(parts) + 1):
            base = "/".join(parts[:depth])
            if depth and not parent_ignored:
                # An ignored directory ignores everything below it (git cannot re-include).
                parent_ignored = _matches(rules, base, is_dir=True)
            for ignore_file in FOLDER_IGNORE_FILES:
                spec = self._spec(self.root.joinpath(*parts[:depth], ignore_file))
                if spec:
                    rules.append((base, spec))
        return DirectoryIgnores(dir_rel, rules, parent_ignored)

    def is_ignored(self, rel: str, is_dir: bool) -> bool:
        parent, _, name = rel.rpartition("/")
        return self.for_directory(parent).is_ignored(name, is_dir)

    def _spec(self, path: Path) -> pathspec.GitIgnoreSpec | None:
        real = os.path.realpath(path)
        if os.path.commonpath([str(self.root), real]) != str(self.root):
            return None  # a symlinked ancestor leading outside: its rules are not ours
        try:
            info = os.stat(real)
        except OSError:
            return None
        key = str(real)
        with self._lock:
            cached = self._cache.get(key)
            if cached and cached[0] == info.st_mtime_ns and cached[1] == info.st_size:
                return cached[2]
        try:
            with open(real, encoding="utf-8", errors="replace") as handle:
                lines = handle.read().splitlines()
        except OSError:
            return None
        spec: pathspec.GitIgnoreSpec | None = pathspec.GitIgnoreSpec.from_lines(lines)
        if spec is not None and not len(spec):
            spec = None
        with self._lock:
            self._cache[key] = (info.st_mtime_ns, info.st_size, spec)
        return spec


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
    for base, spec in rules:
        if base:
            if not rel.startswith(base + "/"):
                continue
            sub = rel[len(base) + 1 :]
        else:
            sub = rel
        # A trailing slash marks a directory, so `build/` patterns match only directories.
        include = spec.check_file(sub + "/" if is_dir else sub).include
        if include is not None:
            result = include
    return result
