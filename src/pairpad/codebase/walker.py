"""Which files to index: ripgrep's walk, then our filters.

What is hidden, ignored (.gitignore, .ignore, .pairpadignore) or a secret is the workspace's
VisibilityPolicy, the one the explorer, search and chat use; this module adds only what is
the index's own (lockfiles, binaries, minified and oversized files, `index.exclude`).
ripgrep implements gitignore semantics exactly and fast, so we never re-implement them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pairpad.codebase.index_settings import IndexSettings
from pairpad.workspace.undecodable import addressable
from pairpad.workspace.visibility import VisibilityPolicy, is_default_secret

# Noise for retrieval even when committed: generated, huge and never what a question is about.
LOCKFILES = frozenset({
    "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "Cargo.lock", "poetry.lock", "uv.lock",
    "Pipfile.lock", "composer.lock", "Gemfile.lock", "go.sum",
})
ALWAYS_EXCLUDED = ("!.hg", "!.svn", "!node_modules", "!__pycache__")
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative, POSIX separators
    size: int
    mtime: float


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass
class WalkResult:
    files: list[FileEntry]
    skipped: list[Skipped]


def rg_binary() -> str:
    candidate = Path(sys.executable).parent / "rg"
    return str(candidate) if candidate.exists() else "rg"


def rg_files(root: Path, settings: IndexSettings, targets: Iterable[str] = (),
             max_depth: int | None = None, policy: VisibilityPolicy | None = None) -> list[str]:
    """Relative paths ripgrep would search under root (or under the given relative dirs)."""
    policy = policy or VisibilityPolicy(root)
    argv = [rg_binary(), "--files", "--no-messages", *policy.rg_options()]
    for glob in (*ALWAYS_EXCLUDED, *(f"!{p}" for p in settings.exclude)):
        argv += ["-g", glob]
    argv += policy.rg_excludes()
    if max_depth is not None:
        argv += ["--max-depth", str(max_depth)]
    argv += ["--", *(list(targets) or ["."])]
    done = subprocess.run(argv, cwd=root, capture_output=True, check=False)
    if done.returncode not in (0, 1):  # 1: nothing found
        raise RuntimeError(done.stderr.decode(errors="replace").strip() or "rg --files failed")
    paths = []
    for raw in done.stdout.decode("utf-8", errors="surrogateescape").splitlines():
        rel = raw.removeprefix("./")
        if rel and addressable(rel):  # a name that is not UTF-8 cannot be stored or sent
            paths.append(rel.replace(os.sep, "/"))
    return paths


def is_secret(rel: str) -> bool:
    """Whether a path looks like credentials or a key by the default rules (the policy's
    `is_secret` adds the user's `secret_patterns`)."""
    return is_default_secret(rel)


def classify(root: Path, rel: str, settings: IndexSettings,
             policy: VisibilityPolicy | None = None) -> FileEntry | Skipped | None:
    """A FileEntry to index, a Skipped with the reason, or None when the file is gone."""
    full = root / rel
    try:
        st = full.lstat()
    except OSError:
        return None
    if not full.is_file() or full.is_symlink():
        return None  # symlinks could point outside the workspace
    name = rel.rsplit("/", 1)[-1]
    if (policy.is_secret(rel) if policy is not None else is_secret(rel)):
        return Skipped(rel, "secret")
    if name in LOCKFILES:
        return Skipped(rel, "lockfile")
    if st.st_size > settings.max_file_size:
        return Skipped(rel, f"oversized ({st.st_size} bytes > {settings.max_file_size})")
    if st.st_size == 0:
        return FileEntry(rel, 0, st.st_mtime)
    try:
        with full.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as error:
        return Skipped(rel, f"unreadable ({error.strerror})")
    if b"\0" in head:
        return Skipped(rel, "binary")
    if is_minified(name, head, st.st_size, settings):
        return Skipped(rel, "minified")
    return FileEntry(rel, st.st_size, st.st_mtime)


def is_minified(name: str, head: bytes, size: int, settings: IndexSettings) -> bool:
    if ".min." in name:
        return True
    if size < 2048:
        return False
    lines = head.count(b"\n") + 1
    return len(head) / lines > settings.minified_line_length


def walk(root: Path, settings: IndexSettings,
         policy: VisibilityPolicy | None = None) -> WalkResult:
    files: list[FileEntry] = []
    skipped: list[Skipped] = []
    for rel in sorted(rg_files(root, settings, policy=policy)):
        result = classify(root, rel, settings, policy)
        if isinstance(result, FileEntry):
            if len(files) >= settings.max_files:
                skipped.append(Skipped(rel, f"over the file limit ({settings.max_files})"))
            else:
                files.append(result)
        elif isinstance(result, Skipped):
            skipped.append(result)
    return WalkResult(files, skipped)


def included(root: Path, paths: list[str], settings: IndexSettings,
             policy: VisibilityPolicy | None = None) -> set[str]:
    """Which of these paths ripgrep's rules admit.

    A full `rg --files` walk, not one over the parent folders: ripgrep always searches a
    folder it is given explicitly, even an ignored one (tens of ms even on large trees)."""
    return set(rg_files(root, settings, policy=policy)).intersection(paths)
