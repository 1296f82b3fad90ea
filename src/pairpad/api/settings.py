"""Editor preferences persisted on the server (`GET/PUT /api/settings`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, TypeAdapter, WithJsonSchema, field_validator

from pairpad.api.authz import authorized
from pairpad.api.deps import ServicesDep
from pairpad.api.openapi import errors
from pairpad.editor_preferences import PREFERENCES

router = APIRouter(prefix="/api/settings", tags=["settings"])


def _values_schema() -> dict[str, Any]:
    # The document names each known key and its type, as the service validates them: an
    # unknown key or a wrong value is an invalid request, not a valid one refused.
    return {
        "type": "object",
        "properties": {
            key: TypeAdapter(kind).json_schema() for key, (kind, _default) in PREFERENCES.items()
        },
        "additionalProperties": False,
    }


class PreferenceValues(BaseModel):
    values: Annotated[dict[str, object], WithJsonSchema(_values_schema())]

    @field_validator("values", mode="before")
    @classmethod
    def _whole_numbers(cls, values: Any) -> Any:
        # JSON has one number type: 14.0 is the integer 14 (as JSON Schema says); the
        # preferences' strict ints would refuse it. Bools and strings stay refused.
        if not isinstance(values, dict):
            return values
        return {k: int(v) if isinstance(v, float) and v.is_integer() else v
                for k, v in values.items()}


@router.get("", dependencies=[authorized("read", "settings")])
async def get_settings(services: ServicesDep) -> PreferenceValues:
    return PreferenceValues(values=await services.preferences.get_all())


@router.put(
    "", responses=errors({422: "Unknown setting or invalid value"}),
    dependencies=[authorized("write", "settings")],
)
async def update_settings(body: PreferenceValues, services: ServicesDep) -> PreferenceValues:
    return PreferenceValues(values=await services.preferences.update(body.values))
