"""The commands auto mode runs without asking: the user's `agent.allowed_commands`, and the
workspace's `[agent] allowed_commands` in `.pairpad/config.toml` — the latter only once the
user approved that exact list (its SHA-256, in the user's database like config tasks): a
cloned repository must not widen what runs unasked, and a later `git pull` that changes the
list makes it unapproved again.
"""

from __future__ import annotations

import asyncio
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pairpad.errors import Conflict
from pairpad.runtime.task_approvals import TaskApprovals
from pairpad.runtime.task_detect import CONFIG_FILE

APPROVAL_NAME = "agent:allowed_commands"
MAX_CONFIG_BYTES = 256 * 1024


@dataclass(frozen=True)
class AllowListView:
    user: list[list[str]]
    workspace: list[list[str]]
    workspace_approved: bool
    error: str | None


def read_workspace_list(root: Path) -> tuple[list[list[str]], str | None]:
    path = root / CONFIG_FILE
    try:
        if not path.is_file():
            return [], None
        if path.stat().st_size > MAX_CONFIG_BYTES:
            return [], f"{CONFIG_FILE} is larger than {MAX_CONFIG_BYTES} bytes"
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as failure:
        return [], f"{CONFIG_FILE} could not be read ({failure})"
    agent = data.get("agent", {})
    value = agent.get("allowed_commands", []) if isinstance(agent, dict) else []
    if not isinstance(value, list) or not all(
            isinstance(p, list) and p and all(isinstance(w, str) for w in p) for p in value):
        return [], (f"{CONFIG_FILE}: [agent] allowed_commands must be a list of argv "
                    "patterns, e.g. [[\"pytest\", \"**\"]]")
    return [list(p) for p in value], None


def _digest_words(patterns: list[list[str]]) -> list[str]:
    return [json.dumps(patterns, ensure_ascii=False)]


class AllowList:
    def __init__(self, root: Path, user: list[list[str]], approvals: TaskApprovals) -> None:
        self.root = root
        self.user = [list(p) for p in user]
        self.approvals = approvals

    async def view(self) -> AllowListView:
        workspace, error = await asyncio.to_thread(read_workspace_list, self.root)
        approved = bool(workspace) and await self.approvals.is_approved(
            APPROVAL_NAME, _digest_words(workspace))
        return AllowListView(self.user, workspace, approved, error)

    async def effective(self) -> list[list[str]]:
        view = await self.view()
        return view.user + (view.workspace if view.workspace_approved else [])

    async def approve_workspace(self, seen: list[list[str]]) -> AllowListView:
        """Approves the workspace list the user saw; a list changed since is not approved."""
        workspace, _error = await asyncio.to_thread(read_workspace_list, self.root)
        if workspace != seen:
            raise Conflict("The workspace's allow-list changed since you saw it; look again")
        await self.approvals.approve(APPROVAL_NAME, _digest_words(workspace))
        return await self.view()
