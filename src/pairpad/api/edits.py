"""The edit engine over HTTP: `POST /api/edits/preview` (what an edit would do; writes
nothing) and `POST /api/edits/apply` (writes it all or nothing, as a change set to review)."""

from __future__ import annotations

from fastapi import APIRouter

from pairpad.api.authz import authorized
from pairpad.api.deps import ServicesDep
from pairpad.api.openapi import errors
from pairpad.changes.models import ApplyRequest, ApplyResult, EditRequest, Preview

router = APIRouter(tags=["edits"])


@router.post("/api/edits/preview", dependencies=[authorized("read", "files")],
             responses=errors({400: "Not an edit, or a malformed one (the engine's message)",
                               403: "A path outside the workspace"}))
async def preview(body: EditRequest, services: ServicesDep) -> Preview:
    """Each file's new content and diff, or why a block cannot apply (with the closest region)."""
    return await services.changes.preview(body)


@router.post("/api/edits/apply", dependencies=[authorized("write", "files")],
             responses=errors({
                 400: "Not an edit, or `etags` lacks a file the edit changes",
                 403: "A control file without allow_control, or a path inside .git or outside",
                 409: "A file changed since the preview (nothing written)",
                 422: "A block does not apply (nothing written; `files` says why)"}))
async def apply(body: ApplyRequest, services: ServicesDep) -> ApplyResult:
    """Writes every file or none, after a checkpoint; the change set waits for review."""
    return await services.changes.apply(body)
