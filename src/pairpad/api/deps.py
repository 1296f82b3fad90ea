"""Typed access to app state from routes."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from pairpad.services import Services


async def get_services(request: Request) -> Services:
    # async: FastAPI runs a plain `def` dependency in the thread pool, a hop per request.
    return cast(Services, request.app.state.services)


ServicesDep = Annotated[Services, Depends(get_services)]


def services_of(request: Request) -> Services:
    """The services, for the hottest routes (file reads, the tree, search).

    A `Request` parameter costs FastAPI nothing, while any dependency, even an `async`
    one, is a nested `solve_dependencies` per request: ~15 µs, a tenth of a file read's
    whole cost in-process (issue 9, finding 12).
    """
    return cast(Services, request.app.state.services)
