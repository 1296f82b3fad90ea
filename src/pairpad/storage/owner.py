"""Who owns a stored row: one place that defines the owner and workspace ids.

Local mode has one user, `LOCAL_OWNER`; team mode will hand the stores the signed-in user's
id instead. A workspace is named by a short hash of its resolved path, so the same folder gets
the same id across restarts, and the id never shows the path itself.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

LOCAL_OWNER = "local"
# A row of a user-wide setting (preferences, providers, roles), and a conversation stored
# before revision 0003 (its workspace was never recorded; it is listed in every workspace).
NO_WORKSPACE = ""


def workspace_id(root: Path) -> str:
    """Stable id of a workspace: 16 hex characters of the SHA-256 of its resolved path."""
    return hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Owner:
    """The user and workspace a store reads and writes for (given by the composition root)."""

    owner_id: str
    workspace_id: str

    @classmethod
    def local(cls, root: Path) -> Owner:
        return cls(LOCAL_OWNER, workspace_id(root))
