"""Language servers over HTTP: `GET /api/lsp/status` (each configured server's state) and
`POST /api/lsp/apply-edit` (a WorkspaceEdit, e.g. a reviewed rename, applied through the
file service, all or nothing). Everything else is Socket.IO's `lsp:*` (realtime/handlers/lsp.py).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from pairpad.api.authz import authorized
from pairpad.api.deps import ServicesDep
from pairpad.api.openapi import errors
from pairpad.events.models import USER_ACTOR, LspServerStatus
from pairpad.workspace.text_edits import apply_workspace_edit

router = APIRouter(tags=["lsp"])


class LspStatusOut(BaseModel):
    servers: list[LspServerStatus]


class WorkspaceEditIn(BaseModel):
    changes: dict[str, list[dict[str, Any]]] = Field(
        description="Workspace path -> LSP TextEdits ({range, newText}; UTF-16 positions).")


class ApplyEditRequest(BaseModel):
    edit: WorkspaceEditIn
    label: str | None = None
    versions: dict[str, str] | None = Field(
        default=None, description="Path -> the etag the edit was computed against (409 when "
        "the file on disk is another one).")


class EditedFile(BaseModel):
    path: str
    etag: str


class ApplyEditResponse(BaseModel):
    files: list[EditedFile]


@router.get("/api/lsp/status", dependencies=[authorized("read", "files")])
async def lsp_status(services: ServicesDep) -> LspStatusOut:
    """Every configured language server: not_started, starting, ready, crashed (restarting)
    or failed, with why."""
    return LspStatusOut(servers=services.lsp.status())


@router.post("/api/lsp/apply-edit", dependencies=[authorized("write", "files")],
             responses=errors({
                 403: "A path outside the workspace or inside .git",
                 404: "A file of the edit does not exist",
                 409: "A file changed on disk (or is not at the given version)",
                 422: "A bad TextEdit (position, overlapping edits)",
             }))
async def apply_edit(body: ApplyEditRequest, services: ServicesDep) -> ApplyEditResponse:
    """Apply a WorkspaceEdit's text edits to every file or to none (a failed write puts back
    the files already written)."""
    saved = await apply_workspace_edit(services.files, body.edit.changes, body.versions,
                                       actor=USER_ACTOR)
    return ApplyEditResponse(files=[EditedFile(path=file.path, etag=file.etag)
                                    for file in saved])
