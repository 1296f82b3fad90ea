"""File names that are not valid UTF-8 (`touch $'bad\\xe9.txt'`).

Python hands such names over with surrogate escapes (`bad\\udce9.txt`): they cannot be
encoded into JSON nor addressed through the API, so the tree, the watcher and the finder
skip them, as text search does (rg reports them as bytes, which are dropped).
"""

from __future__ import annotations


def addressable(name: str) -> bool:
    """True when the name (or path) round-trips through UTF-8, i.e. the API can carry it."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
