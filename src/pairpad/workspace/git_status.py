"""Parses `git status --porcelain=v2 -z --branch` into the source-control view's groups."""

from __future__ import annotations

from pairpad.workspace.git_models import ChangeLetter, GitChange, GitStatus

_LETTERS: dict[str, ChangeLetter] = {
    "M": "M", "A": "A", "D": "D", "R": "R", "C": "C", "T": "T", "U": "U"}


def parse_status(raw: bytes, prefix: str = "") -> GitStatus:
    """`prefix`: the workspace's folder inside the repository ("" at its top, else ending
    in "/"); entries outside it are left out and the others made relative to it."""
    status = GitStatus(repository=True)
    records = raw.decode("utf-8", errors="surrogateescape").split("\0")
    i = 0
    while i < len(records):
        record = records[i]
        i += 1
        if not record:
            continue
        kind = record[0]
        if kind == "#":
            _branch_header(status, record[2:])
        elif kind == "1":
            fields = record.split(" ", 8)
            _add_ordinary(status, fields[1], _rel(fields[8], prefix), None)
        elif kind == "2":
            fields = record.split(" ", 9)
            orig = records[i] if i < len(records) else ""
            i += 1
            _add_ordinary(status, fields[1], _rel(fields[9], prefix), _rel(orig, prefix))
        elif kind == "u":
            path = _rel(record.split(" ", 10)[10], prefix)
            if path is not None:
                status.conflicts.append(GitChange(path=path, status="U"))
        elif kind in "?!":
            path = _rel(record[2:], prefix)
            if path is None:
                continue
            if kind == "?":
                status.untracked.append(GitChange(path=path, status="?"))
            else:
                status.ignored.append(GitChange(path=path, status="!"))
    return status


def _branch_header(status: GitStatus, header: str) -> None:
    key, _, value = header.partition(" ")
    if key == "branch.oid":
        status.head = None if value == "(initial)" else value
    elif key == "branch.head":
        status.detached = value == "(detached)"
        status.branch = None if status.detached else value
    elif key == "branch.upstream":
        status.upstream = value
    elif key == "branch.ab":
        ahead, behind = value.split(" ")
        status.ahead, status.behind = int(ahead), abs(int(behind))


def _add_ordinary(status: GitStatus, xy: str, path: str | None, orig: str | None) -> None:
    if path is None:
        return
    index, tree = xy[0], xy[1]
    if index in _LETTERS:
        status.staged.append(GitChange(path=path, status=_LETTERS[index], orig_path=orig))
    if tree in _LETTERS:
        # A rename is staged; the working-tree side of that entry is a plain change.
        letter = "M" if tree in "RC" else _LETTERS[tree]
        status.changes.append(GitChange(path=path, status=letter))


def _rel(path: str, prefix: str) -> str | None:
    if not prefix:
        return path
    return path[len(prefix):] if path.startswith(prefix) else None
