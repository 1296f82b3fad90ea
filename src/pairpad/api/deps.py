"""Typed access to app state from routes."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from pairpad.services import Services


async def get_services(request: Request) -> Services:
    # async: FastAPI runs a plain `def` dependency in the thread pool, a hop per request.
    return cast(Services, request.app.state.services)


ServicesDep = Annotated[Services, Depends(get_services)]
