"""Language servers over HTTP: `GET /api/lsp/status` (each configured server's state) and
`POST /api/lsp/apply-edit` (a WorkspaceEdit, e.g. a reviewed rename, applied through the
file service, all or nothing). Everything else is Socket.IO's `lsp:*` (realtime/handlers/lsp.py).
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from pairpad.api.authz import authorized
from pairpad.api.deps import ServicesDep
from pairpad.api.openapi import errors
from pairpad.events.models import USER_ACTOR, LspServerStatus
from pairpad.workspace.text_edits import apply_workspace_edit

router = APIRouter(tags=["lsp"])


class LspStatusOut(BaseModel):
    servers: list[LspServerStatus]


class Position(BaseModel):
    line: int = Field(ge=0, description="0-based line.")
    character: int = Field(ge=0, description="0-based, in UTF-16 code units (LSP's).")


class Range(BaseModel):
    start: Position
    end: Position


class TextEdit(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    range: Range
    new_text: str = Field(alias="newText")


class WorkspaceEditIn(BaseModel):
    changes: dict[str, list[TextEdit]] = Field(
        min_length=1, description="Workspace path -> LSP TextEdits (all against the file as "
        "it is on disk; they may not overlap).")


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
                 400: "A path names a folder",
                 404: "A file of the edit does not exist",
                 409: "A file changed on disk (or is not at the given version)",
                 422: "Overlapping TextEdits, or a malformed edit",
             }))
async def apply_edit(body: ApplyEditRequest, services: ServicesDep) -> ApplyEditResponse:
    """Apply a WorkspaceEdit's text edits to every file or to none (a failed write puts back
    the files already written)."""
    changes = {path: [edit.model_dump(by_alias=True) for edit in edits]
               for path, edits in body.edit.changes.items()}
    saved = await apply_workspace_edit(services.files, changes, body.versions, actor=USER_ACTOR)
    return ApplyEditResponse(files=[EditedFile(path=file.path, etag=file.etag)
                                    for file in saved])
