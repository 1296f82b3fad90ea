"""Models, providers and roles (`GET /api/models`, provider/role settings for the UI)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from pairpad.ai.settings_store import ProviderUpdate, describe_provider
from pairpad.api.deps import ServicesDep

router = APIRouter(prefix="/api/models", tags=["models"])


class RolesUpdate(BaseModel):
    roles: dict[str, str | None]


def _roles(services: ServicesDep) -> dict[str, Any]:
    return {role: {"provider": ref.provider, "model": ref.model, "ref": str(ref)}
            for role, ref in services.ai.registry.roles.items()}


@router.get("")
async def list_models(
    services: ServicesDep,
    probe: bool = Query(True, description="Check reachability and list each provider's models"),
) -> dict[str, Any]:
    registry = services.ai.registry
    providers = {name: describe_provider(spec) for name, spec in registry.specs.items()}
    if probe:
        for status in await registry.status(services.settings.ai.probe_timeout):
            providers[status.name].update(
                reachable=status.reachable, detail=status.detail, latency_ms=status.latency_ms,
                models=[{"id": m.id, "context_window": m.context_window,
                         "supports_fim": m.supports_fim} for m in status.models],
            )
    return {"roles": _roles(services), "providers": list(providers.values()),
            "problems": services.ai.config.problems}


@router.put("/providers/{name}")
async def put_provider(name: str, body: ProviderUpdate, services: ServicesDep) -> dict[str, Any]:
    await services.ai.config.upsert_provider(name, body)
    return describe_provider(services.ai.registry.specs[name])


@router.delete("/providers/{name}", status_code=204)
async def delete_provider(name: str, services: ServicesDep) -> Response:
    await services.ai.config.delete_provider(name)
    return Response(status_code=204)


@router.put("/roles")
async def put_roles(body: RolesUpdate, services: ServicesDep) -> dict[str, Any]:
    await services.ai.config.set_roles(body.roles)
    return {"roles": _roles(services), "problems": services.ai.config.problems}
