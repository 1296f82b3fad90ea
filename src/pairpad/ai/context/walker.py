"""Which files to index: ripgrep's walk (.gitignore, .ignore, .pairpadignore), then our filters.

ripgrep implements gitignore semantics (nested files, negation, parent directories) exactly and
fast, so we never re-implement them; we only add the checks it cannot do for us."""

from __future__ import annotations

import fnmatch
import os
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pairpad.ai.context.settings import IndexSettings
from pairpad.workspace.undecodable import addressable

PAIRPADIGNORE = ".pairpadignore"
IGNORE_FILES = frozenset({".gitignore", ".ignore", ".rgignore", PAIRPADIGNORE})
# Noise for retrieval even when committed: generated, huge and never what a question is about.
LOCKFILES = frozenset({
    "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "Cargo.lock", "poetry.lock", "uv.lock",
    "Pipfile.lock", "composer.lock", "Gemfile.lock", "go.sum",
})
# Credentials and keys: ripgrep walks dotfiles (--hidden), and indexed text can be sent to a
# remote model by automatic retrieval, so these are never indexed (listed as "secret").
SECRET_NAMES = frozenset({
    ".env", ".envrc", ".npmrc", ".yarnrc", ".yarnrc.yml", ".pypirc", ".netrc", "_netrc",
    ".pgpass", ".git-credentials", ".htpasswd", ".dockercfg", "credentials", ".boto",
    ".s3cfg", "terraform.tfstate", "terraform.tfstate.backup",
})
SECRET_GLOBS = (
    ".env.*", "*.pem", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore", "*.ppk", "*.tfvars",
    "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*", "*.kdbx", "*.gpg",
)
SECRET_DIRS = frozenset({".ssh", ".gnupg", ".aws", ".azure", ".kube", ".docker"})
# Templates committed on purpose, with placeholders instead of values.
NOT_SECRET_SUFFIXES = (".example", ".sample", ".template", ".dist")
ALWAYS_EXCLUDED = ("!.git", "!.hg", "!.svn", "!node_modules", "!__pycache__")
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
             max_depth: int | None = None) -> list[str]:
    """Relative paths ripgrep would search under root (or under the given relative dirs)."""
    argv = [rg_binary(), "--files", "--hidden", "--no-require-git", "--no-messages"]
    for glob in (*ALWAYS_EXCLUDED, *(f"!{p}" for p in settings.exclude)):
        argv += ["-g", glob]
    if (root / PAIRPADIGNORE).is_file():
        argv += ["--ignore-file", str(root / PAIRPADIGNORE)]
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
    """Whether a workspace-relative path looks like credentials or a private key."""
    parts = rel.replace(os.sep, "/").split("/")
    name = parts[-1]
    if name.lower().endswith(NOT_SECRET_SUFFIXES):
        return False
    if any(part in SECRET_DIRS for part in parts[:-1]):
        return True
    lowered = name.lower()
    return lowered in SECRET_NAMES or any(fnmatch.fnmatchcase(lowered, g) for g in SECRET_GLOBS)


def classify(root: Path, rel: str, settings: IndexSettings) -> FileEntry | Skipped | None:
    """A FileEntry to index, a Skipped with the reason, or None when the file is gone."""
    full = root / rel
    try:
        st = full.lstat()
    except OSError:
        return None
    if not full.is_file() or full.is_symlink():
        return None  # symlinks could point outside the workspace
    name = rel.rsplit("/", 1)[-1]
    if is_secret(rel):
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


def walk(root: Path, settings: IndexSettings) -> WalkResult:
    files: list[FileEntry] = []
    skipped: list[Skipped] = []
    for rel in sorted(rg_files(root, settings)):
        result = classify(root, rel, settings)
        if isinstance(result, FileEntry):
            if len(files) >= settings.max_files:
                skipped.append(Skipped(rel, f"over the file limit ({settings.max_files})"))
            else:
                files.append(result)
        elif isinstance(result, Skipped):
            skipped.append(result)
    return WalkResult(files, skipped)


def included(root: Path, paths: list[str], settings: IndexSettings) -> set[str]:
    """Which of these paths ripgrep's rules admit.

    A full `rg --files` walk, not one over the parent folders: ripgrep always searches a
    folder it is given explicitly, even an ignored one (tens of ms even on large trees)."""
    return set(rg_files(root, settings)).intersection(paths)
