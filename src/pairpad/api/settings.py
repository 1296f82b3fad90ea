"""Editor preferences persisted on the server (`GET/PUT /api/settings`)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from pairpad.api.deps import ServicesDep

router = APIRouter(prefix="/api/settings", tags=["settings"])


class PreferenceValues(BaseModel):
    values: dict[str, object]


@router.get("")
async def get_settings(services: ServicesDep) -> PreferenceValues:
    return PreferenceValues(values=await services.preferences.get_all())


@router.put("")
async def update_settings(body: PreferenceValues, services: ServicesDep) -> PreferenceValues:
    return PreferenceValues(values=await services.preferences.update(body.values))
