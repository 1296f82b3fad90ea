"""Symbols for the editor: outline, workspace symbol search, go to definition, references."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from pairpad.ai.context.symbols import Location, OutlineItem
from pairpad.api.deps import ServicesDep
from pairpad.errors import NotFound, TooLarge
from pairpad.workspace.paths import WorkspacePaths, require_exists

router = APIRouter(prefix="/api/symbols", tags=["symbols"])


class SymbolNode(BaseModel):
    name: str
    kind: str
    line: int  # 1-based line of the name
    column: int  # 0-based
    end_column: int
    start_line: int  # the whole definition
    end_line: int
    children: list[SymbolNode]


class Outline(BaseModel):
    path: str
    symbols: list[SymbolNode]


class SymbolLocation(BaseModel):
    path: str
    name: str
    kind: str
    line: int
    column: int
    end_column: int
    start_line: int
    end_line: int
    signature: str


class Locations(BaseModel):
    results: list[SymbolLocation]


def _node(item: OutlineItem) -> SymbolNode:
    return SymbolNode(name=item.name, kind=item.kind, line=item.line, column=item.column,
                      end_column=item.end_column, start_line=item.start_line,
                      end_line=item.end_line, children=[_node(c) for c in item.children])


def _locations(found: list[Location]) -> Locations:
    return Locations(results=[SymbolLocation(**vars(loc)) for loc in found])


@router.get("/outline")
async def document_outline(services: ServicesDep, path: Annotated[str, Query()]) -> Outline:
    resolved = WorkspacePaths(services.settings.workspace).resolve(path)
    require_exists(resolved)
    if not resolved.path.is_file():
        raise NotFound(f"Not a file: {resolved.rel}")
    size = resolved.path.stat().st_size
    if size > services.settings.max_file_size:
        raise TooLarge(f"File too large for an outline: {size} bytes")
    data = await asyncio.to_thread(resolved.path.read_bytes)
    items = await services.context.outline(resolved.rel, data)
    return Outline(path=resolved.rel, symbols=[_node(i) for i in items])


@router.get("/workspace")
async def workspace_symbols(
    services: ServicesDep,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Locations:
    return _locations(await services.context.workspace_symbols(q, limit))


@router.get("/definition")
async def definition(
    services: ServicesDep,
    name: Annotated[str, Query(min_length=1, max_length=200)],
    path: Annotated[str | None, Query()] = None,
) -> Locations:
    return _locations(await services.context.definitions(name, path))


@router.get("/references")
async def references(
    services: ServicesDep,
    name: Annotated[str, Query(min_length=1, max_length=200)],
) -> Locations:
    return _locations(await services.context.references(name))
