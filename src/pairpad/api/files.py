"""Workspace files: tree, read, save, move, delete, mkdir (DESIGN.md §5)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from pairpad.api.authz import authorize, authorized
from pairpad.api.deps import services_of
from pairpad.workspace.models import (
    FileContent,
    MoveRequest,
    MoveResult,
    PathRequest,
    PathResult,
    SaveRequest,
    TreeListing,
)

router = APIRouter(prefix="/api/files", tags=["files"])

PathQuery = Annotated[str, Query(description="Workspace-relative POSIX path")]
_ERRORS: dict[int | str, dict[str, str]] = {
    400: {"description": "Not a file / not a directory / bad content"},
    403: {"description": "Path outside the workspace"},
    404: {"description": "Not found"},
}


@router.get("/tree", responses=_ERRORS)
@authorize("read", "files")
async def tree(request: Request, path: PathQuery = "") -> TreeListing:
    """One level of the explorer: directories first, `.git` hidden, ignored entries marked."""
    return await services_of(request).files.tree(path)


@router.get(
    "/content",
    responses={
        **_ERRORS,
        413: {"description": "Larger than max_file_size"},
        415: {"description": "Binary file"},
    },
)
@authorize("read", "files")
async def read_content(request: Request, path: PathQuery) -> FileContent:
    return await services_of(request).files.read(path)


@router.put(
    "/content",
    responses={
        **_ERRORS,
        201: {"description": "Created (etag was null)"},
        409: {"description": "Changed on disk, or exists (etag null); body has current_etag"},
        413: {"description": "Larger than max_file_size"},
    }, dependencies=[authorized("write", "files")]
)
async def save_content(
    request: Request, path: PathQuery, body: SaveRequest, response: Response
) -> FileContent:
    """Atomic save guarded by the etag read with the content; `etag: null` creates."""
    saved, created = await services_of(request).files.write(path, body)
    if created:
        response.status_code = status.HTTP_201_CREATED
    return saved


@router.post(
    "/move", responses={**_ERRORS, 409: {"description": "Target exists"}},
    dependencies=[authorized("write", "files")],
)
async def move(request: Request, body: MoveRequest) -> MoveResult:
    return await services_of(request).files.move(body.source, body.target)


@router.delete("", responses=_ERRORS, dependencies=[authorized("write", "files")])
async def delete(request: Request, path: PathQuery) -> PathResult:
    """Delete a file, a symlink (never its target) or a directory recursively."""
    return await services_of(request).files.delete(path)


@router.post(
    "/dir",
    status_code=status.HTTP_201_CREATED,
    responses={**_ERRORS, 409: {"description": "Exists"}},
    dependencies=[authorized("write", "files")],
)
async def make_directory(request: Request, body: PathRequest) -> PathResult:
    """Create a directory, and missing parents."""
    return await services_of(request).files.mkdir(body.path)
