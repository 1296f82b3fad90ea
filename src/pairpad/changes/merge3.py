"""Three-way merge of texts through `git merge-file` (argv, no shell, a timeout).

Used to take an AI change back out of a file the user has edited since: ours = the file now,
base = what the AI change left, theirs = what the file was before it. Lines the user wrote
are kept; where the user's edit and the AI's change touch the same lines, git reports a
conflict and the caller refuses instead of guessing.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

_TIMEOUT_S = 20


@dataclass(frozen=True)
class Merged:
    text: str
    conflicts: int  # 0: clean


class MergeUnavailable(RuntimeError):
    """git is missing or failed: the merge could not be tried at all."""


def merge3(ours: str, base: str, theirs: str) -> Merged:
    if ours == base:
        return Merged(theirs, 0)
    if theirs == base or ours == theirs:
        return Merged(ours, 0)
    git = shutil.which("git")
    if git is None:
        raise MergeUnavailable(
            "git is not installed: it is needed to merge an undo with your edits")
    with tempfile.TemporaryDirectory(prefix="pairpad-merge-") as folder:
        names = []
        for label, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(folder, label)
            path.write_bytes(text.encode("utf-8", "surrogatepass"))
            names.append(str(path))
        done = subprocess.run(
            [git, "merge-file", "-p", "-L", "yours", "-L", "ai change", "-L", "before",
             *names], capture_output=True, timeout=_TIMEOUT_S, check=False)
    if done.returncode < 0 or done.returncode > 127:
        raise MergeUnavailable(f"git merge-file failed: {done.stderr.decode(errors='replace')}")
    return Merged(done.stdout.decode("utf-8", "surrogatepass"), done.returncode)
