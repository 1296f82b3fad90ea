"""The pure parts of source control: porcelain v2 status and one-hunk patches, checked
against git itself where a patch is concerned."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pairpad.errors import Conflict
from pairpad.workspace.git_models import Hunk
from pairpad.workspace.git_patch import find_hunk, parse_diff, revert_hunk, single_hunk_patch
from pairpad.workspace.git_status import parse_status

STATUS = b"\0".join([
    b"# branch.oid 0123456789abcdef0123456789abcdef01234567",
    b"# branch.head feature",
    b"# branch.upstream origin/feature",
    b"# branch.ab +2 -3",
    b"1 MM N... 100644 100644 100644 aaaa bbbb sub/both.py",
    b"2 R. N... 100644 100644 100644 aaaa bbbb R100 sub/new name.txt",
    b"sub/old.txt",
    b"u UU N... 100644 100644 100644 100644 aaaa bbbb cccc sub/clash.py",
    b"1 .D N... 100644 100644 000000 aaaa aaaa top.txt",
    b"? sub/fresh.txt",
    b"! sub/build/",
    b"",
])


def test_status_groups_branch_and_renames() -> None:
    status = parse_status(STATUS)
    assert (status.branch, status.upstream, status.ahead, status.behind) == (
        "feature", "origin/feature", 2, 3)
    assert [(c.path, c.status, c.orig_path) for c in status.staged] == [
        ("sub/both.py", "M", None), ("sub/new name.txt", "R", "sub/old.txt")]
    assert [(c.path, c.status) for c in status.changes] == [("sub/both.py", "M"),
                                                           ("top.txt", "D")]
    assert [c.path for c in status.conflicts] == ["sub/clash.py"]
    assert [c.path for c in status.untracked] == ["sub/fresh.txt"]
    assert [c.path for c in status.ignored] == ["sub/build/"]


def test_status_inside_a_folder_of_the_repository_keeps_only_that_folder() -> None:
    status = parse_status(STATUS, prefix="sub/")
    assert [c.path for c in status.staged] == ["both.py", "new name.txt"]
    assert status.staged[1].orig_path == "old.txt"
    assert [c.path for c in status.changes] == ["both.py"]  # top.txt is outside


def test_detached_and_unborn_heads() -> None:
    status = parse_status(b"# branch.oid (initial)\0# branch.head (detached)\0")
    assert status.head is None and status.branch is None and status.detached


def git(root: Path, *args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                          input=data).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q")
    (tmp_path / "f.txt").write_bytes(b"".join(b"%d\n" % n for n in range(1, 11)))
    git(tmp_path, "add", "f.txt")
    git(tmp_path, "-c", "user.name=T", "-c", "user.email=t@example.invalid", "commit", "-qm", "f")
    return tmp_path


def test_each_hunk_applies_alone_to_the_index(repo: Path) -> None:
    # An insertion at the top, a change in the middle, a deletion and a last line without
    # a newline.
    new = b"0\n1\n2\n3\nfour\n5\n6\n8\n9\n10"
    (repo / "f.txt").write_bytes(new)
    diff = parse_diff(git(repo, "diff", "-U0", "--", "f.txt"))
    assert len(diff.hunks) == 4
    for item in reversed(diff.hunks):  # the last first: each patch sees the others unapplied
        git(repo, "apply", "--cached", "--unidiff-zero", "-",
            data=single_hunk_patch(diff, item))
        assert git(repo, "diff", "--cached", "-U0").count(b"@@ ") == (
            len(diff.hunks) - diff.hunks.index(item))
    assert git(repo, "show", ":f.txt") == new


def test_reverting_a_hunk_in_the_file_bytes(repo: Path) -> None:
    old = (repo / "f.txt").read_bytes()
    (repo / "f.txt").write_bytes(b"1\n2\nthree\n4\n5\n6\n7\n8\n9\n10")
    diff = parse_diff(git(repo, "diff", "-U0", "--", "f.txt"))
    current = (repo / "f.txt").read_bytes()
    once = revert_hunk(current, find_hunk(diff, 0))
    assert once == b"1\n2\n3\n4\n5\n6\n7\n8\n9\n10"
    assert revert_hunk(once, diff.hunks[1]) == old  # both taken out: the index's bytes
    assert revert_hunk(current, diff.hunks[1]) == b"1\n2\nthree\n4\n5\n6\n7\n8\n9\n10\n"
    with pytest.raises(Conflict):
        revert_hunk(b"something else\n", diff.hunks[0])
    with pytest.raises(Conflict):
        find_hunk(diff, Hunk(old_start=1, old_lines=1, new_start=1, new_lines=1))
