"""File-name identity as case-insensitive, normalising file systems see it.

macOS (APFS/HFS+) and Windows compare names case-insensitively and ignore differences in
Unicode normalisation; HFS+ also ignores some invisible code points, and Windows drops
trailing dots and spaces. So `.GIT`, `.Git.` and `.g\u200cit` can all be the real `.git`.
Rules about protected names (the `.git` guard, the agent's control files) compare through
`name_key` so that no such spelling slips past them.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Code points HFS+ ignores in names (the set git's `is_hfs_dotgit` skips).
_IGNORABLE = re.compile("[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]")


@functools.lru_cache(maxsize=65536)  # a walk of the workspace asks for the same names often
def name_key(name: str) -> str:
    """The comparison key of one path component: equal keys may be the same file."""
    folded = unicodedata.normalize("NFC", _IGNORABLE.sub("", name)).casefold()
    return unicodedata.normalize("NFC", folded).rstrip(" .")


def same_name(a: str, b: str) -> bool:
    return name_key(a) == name_key(b)


_GIT_KEY = name_key(".git")


def is_git_dir_name(name: str) -> bool:
    """True for any spelling of `.git` that some file system resolves to `.git`."""
    return name_key(name) == _GIT_KEY
