"""Read-only facts about the workspace's git repository, read from .git without spawning git."""

from __future__ import annotations

from pathlib import Path


def current_branch(root: Path) -> str | None:
    """The checked-out branch, a short commit id when detached, None outside a repository."""
    git_dir = root / ".git"
    if git_dir.is_file():  # worktrees and submodules: "gitdir: <path>"
        pointer = git_dir.read_text(encoding="utf-8", errors="replace").strip()
        if not pointer.startswith("gitdir:"):
            return None
        git_dir = (root / pointer.removeprefix("gitdir:").strip()).resolve()
    head = git_dir / "HEAD"
    try:
        content = head.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
    if content.startswith("ref:"):
        return content.removeprefix("ref:").strip().removeprefix("refs/heads/")
    return content[:7] or None
