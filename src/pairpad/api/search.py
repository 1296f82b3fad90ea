"""Text search (ripgrep) and the fuzzy file finder (DESIGN.md §5)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from pairpad.api.authz import authorize
from pairpad.api.deps import services_of
from pairpad.workspace.models import FileMatches, SearchResults
from pairpad.workspace.search import SearchQuery, split_globs

router = APIRouter(prefix="/api/search", tags=["search"])


@router.get(
    "",
    responses={
        400: {"description": "Invalid regular expression or glob"},
        503: {"description": "ripgrep is not installed"},
    },
)
@authorize("read", "search")
async def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, description="Text, or a regex with regex=true")],
    regex: bool = False,
    case: Annotated[bool, Query(description="Match case")] = False,
    glob: Annotated[str | None, Query(description="Comma-separated globs; !glob excludes")] = None,
    limit: Annotated[
        int | None, Query(alias="max", ge=1, description="Result cap (ceiling from settings)")
    ] = None,
) -> SearchResults:
    services = services_of(request)
    ceiling = services.settings.search_max_results
    query = SearchQuery(
        text=q,
        regex=regex,
        case_sensitive=case,
        globs=split_globs(glob),
        limit=min(limit or ceiling, ceiling),
    )
    return await services.search.search(query)


@router.get("/files")
@authorize("read", "search")
async def find_files(
    request: Request,
    q: Annotated[str, Query(description="Fuzzy file name query; empty lists files")] = "",
    limit: Annotated[int, Query(alias="max", ge=1, le=1000)] = 50,
) -> FileMatches:
    return await services_of(request).finder.find(q, limit)
