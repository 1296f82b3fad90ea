"""Hybrid codebase search and the repo map, as the chat and the context inspector use them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from pairpad.api.authz import authorized
from pairpad.api.deps import ServicesDep
from pairpad.api.openapi import errors
from pairpad.codebase.repomap import estimate_tokens
from pairpad.codebase.service import snippet_json

router = APIRouter(prefix="/api/context", tags=["context"])
_DISABLED = errors({503: "The codebase index is disabled (index.enabled = false)"})


class SignalOut(BaseModel):
    name: str  # bm25 | symbol | repomap
    rank: int
    detail: str


class SnippetOut(BaseModel):
    path: str
    start_line: int
    end_line: int
    score: float
    tokens: int
    text: str
    signals: list[SignalOut]


class SearchResults(BaseModel):
    query: str
    results: list[SnippetOut]


@router.get("/search", responses=_DISABLED, dependencies=[authorized("read", "codebase")])
async def search_context(
    services: ServicesDep,
    q: Annotated[str, Query(min_length=1, max_length=2000)],
    k: Annotated[int, Query(ge=1, le=100)] = 10,
) -> SearchResults:
    snippets = await services.context.search(q, k)
    return SearchResults(query=q, results=[SnippetOut(**snippet_json(s)) for s in snippets])


class RepoMapOut(BaseModel):
    text: str
    tokens: int


@router.get("/repomap", responses=_DISABLED, dependencies=[authorized("read", "codebase")])
async def repo_map(
    services: ServicesDep,
    files: Annotated[list[str], Query()] = [],  # noqa: B006 (FastAPI copies defaults)
    symbols: Annotated[list[str], Query()] = [],  # noqa: B006
    tokens: Annotated[int, Query(ge=64, le=32_000)] = 1024,
) -> RepoMapOut:
    text = await services.context.repo_map(files, symbols, tokens)
    return RepoMapOut(text=text, tokens=estimate_tokens(text))
