"""What the UI shows about the open folder: name, root, git branch and live-update state."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from pydantic import BaseModel

from pairpad.api.authz import authorized
from pairpad.api.deps import ServicesDep
from pairpad.workspace.git import current_branch
from pairpad.workspace.models import WatcherStatus

router = APIRouter(prefix="/api/workspace", tags=["workspace"])


class WorkspaceInfo(BaseModel):
    name: str
    root: str
    branch: str | None
    watcher: WatcherStatus


@router.get("", dependencies=[authorized("read", "workspace")])
async def workspace_info(services: ServicesDep) -> WorkspaceInfo:
    root = services.settings.workspace
    branch = await asyncio.to_thread(current_branch, root)
    # A team workspace shows its name, never the server's folder path.
    shown = services.settings.workspace_name
    return WorkspaceInfo(
        name=shown or root.name, root=shown or str(root), branch=branch,
        watcher=services.watcher.status()
    )
