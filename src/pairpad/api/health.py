from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from pairpad import __version__

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    version: str


@router.get("/api/health")
async def health() -> Health:
    return Health(status="ok", version=__version__)
