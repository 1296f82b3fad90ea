"""Team workspaces on disk: one folder per workspace directly under the workspaces root,
named by the workspace id (random hex, so a name typed by a user never reaches the path).

A deleted workspace's folder is never removed by the server: it is renamed into
`<root>/.deleted/<id>-<UTC time>` (one atomic rename on the same file system) for an operator
to restore or purge. Ids are hex, so `.deleted` can never be a workspace's folder.
"""

from __future__ import annotations

import contextlib
import os
from datetime import datetime
from pathlib import Path

DELETED_DIR = ".deleted"


class TeamFolders:
    def __init__(self, root: Path) -> None:
        self.root = root.expanduser().resolve()

    def path(self, folder: str) -> Path:
        return self.root / folder

    def create(self, folder: str) -> Path:
        """Creates the folder, failing (FileExistsError) if anything is there already: mkdir
        is atomic, so two servers can never share one. Only the server's user may enter."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.path(folder)
        path.mkdir(mode=0o700)
        return path

    def remove_empty(self, folder: str) -> None:
        """Undo of `create` when the row could not be stored."""
        with contextlib.suppress(OSError):  # something was written into it meanwhile: keep it
            self.path(folder).rmdir()

    def move_aside(self, folder: str, now: datetime) -> Path | None:
        """Renames the folder into .deleted/; None when it was already gone."""
        source = self.path(folder)
        if not source.exists():
            return None
        trash = self.root / DELETED_DIR
        trash.mkdir(mode=0o700, exist_ok=True)
        target = trash / f"{folder}-{now.strftime('%Y%m%dT%H%M%S%fZ')}"
        os.rename(source, target)
        return target

    def restore(self, moved: Path, folder: str) -> None:
        """Undo of `move_aside` when the row could not be deleted."""
        os.rename(moved, self.path(folder))
