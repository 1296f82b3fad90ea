"""Symbols for the editor: outline, workspace symbol search, go to definition, references."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, model_validator

from pairpad.api.authz import authorized
from pairpad.api.deps import ServicesDep
from pairpad.api.openapi import errors
from pairpad.codebase.symbols import Location, OutlineItem
from pairpad.errors import TooLarge
from pairpad.unicode import well_formed
from pairpad.workspace.paths import normalise

router = APIRouter(prefix="/api/symbols", tags=["symbols"])
_DISABLED = errors({503: "The codebase index is disabled (index.enabled = false)"})


class Outline(BaseModel):
    path: str
    symbols: list[OutlineItem]


class Locations(BaseModel):
    results: list[Location]


@router.get(
    "/outline",
    responses=errors({
        400: "Not a file", 403: "Path outside the workspace", 404: "Not found",
        413: "Larger than max_file_size", 415: "Binary file",
    }), dependencies=[authorized("read", "codebase")]
)
async def document_outline(services: ServicesDep, path: Annotated[str, Query()]) -> Outline:
    # Through the file service: the same confinement, size (413) and binary (415) rules as
    # opening the file in the editor.
    file = await services.files.read(path)
    items = await services.context.outline(file.path, file.content.encode("utf-8"))
    return Outline(path=file.path, symbols=items)


class OutlineRequest(BaseModel):
    path: str = Field(description="Workspace path; only its name picks the grammar.")
    content: str

    @model_validator(mode="before")
    @classmethod
    def _no_lone_surrogates(cls, data: Any) -> Any:
        return well_formed(data)  # else a 500 when the path is echoed back


@router.post(
    "/outline",
    responses=errors({
        400: "Malformed path (too long or too deep)", 403: "Path outside the workspace",
        413: "Larger than max_file_size",
    }), dependencies=[authorized("read", "codebase")]
)
async def buffer_outline(body: OutlineRequest, services: ServicesDep) -> Outline:
    """Outline of the editor's buffer as it is now (unsaved edits included). Nothing is read
    from disk, so a file renamed or deleted meanwhile is not an error."""
    rel = normalise(body.path)
    data = body.content.encode("utf-8")
    if len(data) > services.settings.max_file_size:
        raise TooLarge(
            f"The text is {len(data)} bytes; the limit is {services.settings.max_file_size}"
        )
    return Outline(path=rel, symbols=await services.context.outline(rel, data))


@router.get("/workspace", responses=_DISABLED, dependencies=[authorized("read", "codebase")])
async def workspace_symbols(
    services: ServicesDep,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Locations:
    return Locations(results=await services.context.workspace_symbols(q, limit))


@router.get("/definition", responses=_DISABLED, dependencies=[authorized("read", "codebase")])
async def definition(
    services: ServicesDep,
    name: Annotated[str, Query(min_length=1, max_length=200)],
    path: Annotated[str | None, Query()] = None,
) -> Locations:
    return Locations(results=await services.context.definitions(name, path))


@router.get("/references", responses=_DISABLED, dependencies=[authorized("read", "codebase")])
async def references(
    services: ServicesDep,
    name: Annotated[str, Query(min_length=1, max_length=200)],
) -> Locations:
    return Locations(results=await services.context.references(name))
