"""Confinement: turn a client-supplied relative path into a real path inside the workspace.

Every file operation goes through `WorkspacePaths`. A path is refused (Forbidden) when it
is absolute, has a `..` segment, a NUL byte or a backslash, hides any of those behind
percent-encoding, or resolves — through symlinks — to somewhere outside the real root.
The check is `os.path.commonpath` against the *real* root after `os.path.realpath`, so a
sibling such as `/x/ws-evil` never passes for `/x/ws`.

Resolution happens once; the file service then works on the resolved, link-free components
through directory descriptors (`dirfd.py`), so a component swapped for a symlink after the
check is refused rather than followed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from pairpad.errors import BadRequest, Forbidden, NotFound

# Temp files of atomic saves; hidden from the tree, search, finder and watcher.
TEMP_PREFIX = ".pairpad-tmp-"

# Up-front bounds: Linux's PATH_MAX, and a depth no real project reaches (a 2,000-level
# path must be a clear 400, not a RecursionError deep in a helper).
MAX_PATH_BYTES = 4096
MAX_PATH_DEPTH = 256

_PERCENT_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
_MAX_DECODE_ROUNDS = 4


@dataclass(frozen=True)
class Resolved:
    """A checked path: `rel` is the normalised POSIX path the client sees ('' = root)."""

    rel: str
    path: Path  # real path (symlinks followed) or, for `entry`, real parent + literal name
    parts: tuple[str, ...] = ()  # `path` as components below the root ('' root = ())

    @property
    def is_root(self) -> bool:
        return self.rel == ""

    @property
    def parent_parts(self) -> tuple[str, ...]:
        return self.parts[:-1]

    @property
    def name(self) -> str:
        return self.parts[-1]


def normalise(raw: str) -> str:
    """Validate the textual form of a client path and return it as 'a/b/c' ('' for root)."""
    _check_text(raw)
    # The framework decodes the query once; a remaining `%2e%2e` or `%2f` is either a
    # double-encoding attack or a literal name. Decode repeatedly and refuse if any
    # decoded form would escape; otherwise the raw text is used literally (confined).
    decoded = raw
    for _ in range(_MAX_DECODE_ROUNDS):
        if not _PERCENT_ESCAPE.search(decoded):
            break
        decoded = unquote(decoded)
        try:
            _check_text(decoded)
        except Forbidden:
            raise Forbidden(f"Path refused: encoded escape in {raw!r}") from None
    parts = [part for part in raw.split("/") if part not in ("", ".")]
    if len(parts) > MAX_PATH_DEPTH:
        raise BadRequest(
            f"Path too deep: {len(parts)} levels; the limit is {MAX_PATH_DEPTH}. "
            "Use a shallower path."
        )
    return "/".join(parts)


def _check_text(raw: str) -> None:
    if len(raw) > MAX_PATH_BYTES:  # cheap bound before encoding (a char is ≥ 1 byte)
        raise BadRequest(f"Path too long: the limit is {MAX_PATH_BYTES} bytes")
    try:
        size = len(raw.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate: no file has that name, and no JSON can echo it
        raise BadRequest("Path refused: it is not valid Unicode text (lone surrogate)") from None
    if size > MAX_PATH_BYTES:
        raise BadRequest(f"Path too long: the limit is {MAX_PATH_BYTES} bytes")
    if "\x00" in raw:
        raise Forbidden("Path refused: NUL byte")
    if "\\" in raw:
        raise Forbidden("Path refused: backslashes are not path separators here")
    if raw.startswith("/") or os.path.isabs(raw):
        raise Forbidden("Path refused: absolute paths are not allowed; use a workspace path")
    if any(part == ".." for part in raw.split("/")):
        raise Forbidden("Path refused: '..' is not allowed")


class WorkspacePaths:
    """Resolves client paths against one workspace root."""

    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.realpath(root))
        self._root_str = str(self.root)

    def contains(self, real: str | Path) -> bool:
        real_str = str(real)
        try:
            return os.path.commonpath([self._root_str, real_str]) == self._root_str
        except ValueError:  # different drives / mixed absolute and relative
            return False

    def resolve(self, raw: str) -> Resolved:
        """Follow every symlink; the final target must be inside the root.

        For reads, writes and listings: operating on the target is what the user means,
        and a link that leads outside is refused.
        """
        rel = normalise(raw)
        logical = os.path.join(self._root_str, *rel.split("/")) if rel else self._root_str
        try:
            real = os.path.realpath(logical)
        except OSError:
            # A link seen by lstat was gone by readlink (EINVAL): swapped mid-resolution.
            raise Forbidden(
                f"Path refused: {rel!r} changed (a symbolic link was swapped) while it was "
                "being checked; reload the folder and try again"
            ) from None
        if not self.contains(real):
            raise Forbidden(f"Path refused: {rel!r} leads outside the workspace")
        if os.path.islink(real):
            # realpath stops at a link it cannot resolve: a loop (ELOOP).
            raise Forbidden(f"Path refused: {rel!r} is a symlink loop")
        return Resolved(rel, Path(real), self._parts_of(real))

    def entry(self, raw: str) -> Resolved:
        """Follow symlinks in the parent only; the last component is the entry itself.

        For move, delete and mkdir: deleting a symlink removes the link, never its target,
        so a link pointing outside can still be removed or renamed.
        """
        rel = normalise(raw)
        if not rel:
            return Resolved(rel, self.root)
        parent_rel, _, name = rel.rpartition("/")
        parent = self.resolve(parent_rel)
        return Resolved(rel, parent.path / name, (*parent.parts, name))

    def _parts_of(self, real: str) -> tuple[str, ...]:
        if real == self._root_str:
            return ()
        return tuple(real[len(self._root_str) :].strip(os.sep).split(os.sep))

    def relative(self, real: str | Path) -> str:
        """POSIX path of a real path inside the root, as clients see it."""
        rel = os.path.relpath(real, self._root_str)
        if rel == ".":
            return ""
        return rel.replace(os.sep, "/")


def require_exists(resolved: Resolved) -> None:
    if not os.path.lexists(resolved.path):
        raise NotFound(f"Not found: {resolved.rel or '/'}")
