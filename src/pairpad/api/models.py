"""Models, providers and roles (`GET /api/models`, provider/role settings for the UI)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from pairpad.ai.embedding import embed_target
from pairpad.ai.provider_config import ROLE_NAMES, ProviderKind
from pairpad.ai.provider_store import ProviderUpdate, describe_provider
from pairpad.ai.providers.base import Provider, ProviderError
from pairpad.ai.providers.local_server import ServerState
from pairpad.ai.providers.registry import KeySource
from pairpad.api.authz import authorized, record_event
from pairpad.api.deps import ServicesDep
from pairpad.api.openapi import errors
from pairpad.codebase.embeddings import EMBED_OFF
from pairpad.errors import NotFound, Unavailable

router = APIRouter(prefix="/api/models", tags=["models"])


class RolesUpdate(BaseModel):
    # The document names the roles; the service still checks them, with its own message.
    roles: Annotated[dict[str, str | None], WithJsonSchema({
        "type": "object",
        "propertyNames": {"enum": list(ROLE_NAMES)},
        "additionalProperties": {"anyOf": [{"type": "string"}, {"type": "null"}]},
    })]


class ProviderTest(ProviderUpdate):
    """Body of POST /api/models/test: an unsaved provider, validated and keyed as saving would."""

    name: str = Field(default="new", description="The name it would be saved under.")


class ModelEntry(BaseModel):
    id: str
    context_window: int | None
    supports_fim: bool


class TestResult(BaseModel):
    ok: bool
    latency_ms: float | None
    models: list[ModelEntry]
    detail: str


# `extra="forbid"` on the members of a union: a body validates as exactly one of them.
class RoleAssigned(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provider: str
    model: str
    ref: str = Field(description="'provider:model'")
    off: Literal[False]


class RoleOff(BaseModel):
    """The embed role left at the embedded chat model, which cannot embed."""

    model_config = ConfigDict(extra="forbid")
    provider: None
    model: None
    ref: None
    off: Literal[True]
    detail: str


Role = RoleAssigned | RoleOff


class ProviderInfo(BaseModel):
    """A provider as the API shows it: never the key, only whether there is one and where from."""

    model_config = ConfigDict(extra="forbid")
    name: str
    kind: ProviderKind
    origin: Literal["builtin", "settings", "user"]
    base_url: str | None
    api_key_env: str | None
    has_api_key: bool
    key_source: KeySource
    key_setting: str
    timeout: float
    connect_timeout: float
    context_window: int | None
    configured_models: list[str]


class ProbedProvider(ProviderInfo):
    """With `probe=true`: whether it answered, and the models it offers."""

    reachable: bool
    detail: str
    latency_ms: float | None
    state: str
    models: list[ModelEntry]


class ModelsOverview(BaseModel):
    roles: dict[str, Role]
    providers: list[ProbedProvider | ProviderInfo]
    problems: list[str] = Field(description="Provider settings that could not be used, and why")


class RolesSaved(BaseModel):
    roles: dict[str, Role]
    problems: list[str]


class LocalRestarted(BaseModel):
    state: ServerState
    detail: str = Field(description="Why it is crashed or failed; empty when it is not")


async def _try(provider: Provider, name: str, limit: float) -> TestResult:
    """Health, then the model list, within `limit` seconds in all."""
    try:
        async with asyncio.timeout(limit):
            health = await provider.health()
            models = await provider.list_models() if health.ok else []
    except TimeoutError:
        return TestResult(ok=False, latency_ms=None, models=[], detail=(
            f"Provider '{name}' did not answer within {limit:g}s: check "
            f"ai.providers.{name}.base_url"))
    except ProviderError as error:
        return TestResult(ok=False, latency_ms=None, models=[], detail=error.detail)
    return TestResult(ok=health.ok, latency_ms=health.latency_ms, detail=health.detail,
                      models=[ModelEntry(id=m.id, context_window=m.context_window,
                                         supports_fim=m.supports_fim) for m in models])


def _roles(services: ServicesDep) -> dict[str, Any]:
    roles: dict[str, Any] = {}
    target = embed_target(services.ai.registry)
    for role, ref in services.ai.registry.roles.items():
        if role == "embed" and target is None:
            # Left at the embedded chat model, which cannot embed: the role is off (the index
            # status says the same), not "local:smollm2".
            roles[role] = {"provider": None, "model": None, "ref": None, "off": True,
                           "detail": EMBED_OFF}
            continue
        roles[role] = {"provider": ref.provider, "model": ref.model, "ref": str(ref),
                       "off": False}
    return roles


@router.get("", dependencies=[authorized("read", "models")])
async def list_models(
    services: ServicesDep,
    probe: bool = Query(True, description="Check reachability and list each provider's models"),
) -> ModelsOverview:
    registry = services.ai.registry
    providers = {name: describe_provider(spec) for name, spec in registry.specs.items()}
    if probe:
        for status in await registry.status(services.settings.ai.probe_timeout):
            providers[status.name].update(
                reachable=status.reachable, detail=status.detail, latency_ms=status.latency_ms,
                state=status.state,
                models=[{"id": m.id, "context_window": m.context_window,
                         "supports_fim": m.supports_fim} for m in status.models],
            )
    return ModelsOverview.model_validate({"roles": _roles(services),
                                          "providers": list(providers.values()),
                                          "problems": services.ai.config.problems})


_INVALID = errors({422: "Invalid provider name or config"})


@router.put("/providers/{name}", responses=_INVALID, dependencies=[authorized("admin", "models")])
async def put_provider(name: str, body: ProviderUpdate, services: ServicesDep,
                       request: Request) -> ProviderInfo:
    await services.ai.config.upsert_provider(name, body)
    if body.api_key is not None:  # None keeps the key, "" clears it
        await record_event(request, "models.key_set" if body.api_key else "models.key_removed",
                           provider=name, kind=body.kind)
    return ProviderInfo.model_validate(describe_provider(services.ai.registry.specs[name]))


@router.delete(
    "/providers/{name}", status_code=204,
    responses=errors({404: "No provider of that name was set in the UI"}),
    dependencies=[authorized("admin", "models")],
)
async def delete_provider(name: str, services: ServicesDep, request: Request) -> Response:
    spec = services.ai.registry.specs.get(name)
    had_key = spec is not None and bool(describe_provider(spec)["has_api_key"])
    await services.ai.config.delete_provider(name)
    if had_key:
        await record_event(request, "models.key_removed", provider=name)
    return Response(status_code=204)


@router.put(
    "/roles",
    responses=errors({422: "Unknown role, or not 'provider:model' of a known provider"}),
    dependencies=[authorized("admin", "models")],
)
async def put_roles(body: RolesUpdate, services: ServicesDep) -> RolesSaved:
    await services.ai.config.set_roles(body.roles)
    return RolesSaved.model_validate({"roles": _roles(services),
                                      "problems": services.ai.config.problems})


@router.post("/test", responses=_INVALID, dependencies=[authorized("admin", "models")])
async def test_provider(body: ProviderTest, services: ServicesDep) -> TestResult:
    """Try an unsaved provider config (nothing is stored), bounded by ai.probe_timeout."""
    spec = await services.ai.config.candidate_spec(body.name, body)
    provider = services.ai.registry.build(spec)
    try:
        return await _try(provider, body.name, services.settings.ai.probe_timeout)
    finally:
        with contextlib.suppress(Exception):
            await provider.aclose()


@router.post(
    "/providers/{name}/test", responses=errors({404: "No provider of that name"}),
    dependencies=[authorized("admin", "models")],
)
async def test_saved_provider(name: str, services: ServicesDep) -> TestResult:
    """Try a saved provider (the embedded one included), bounded by ai.probe_timeout."""
    registry = services.ai.registry
    if name not in registry.specs:
        raise NotFound(f"No provider '{name}'")
    provider = registry.get(name)
    async with registry.using(provider):
        return await _try(provider, name, services.settings.ai.probe_timeout)


@router.post(
    "/local/restart", responses=errors({503: "The embedded model cannot start (see detail)"}),
    dependencies=[authorized("admin", "models")],
)
async def restart_local(services: ServicesDep) -> LocalRestarted:
    """Restart the embedded model's server now, forgetting earlier crashes (after a fix)."""
    server = services.ai.local_server
    try:
        await server.restart()
    except ProviderError as error:
        raise Unavailable(error.detail, setting=error.setting) from error
    return LocalRestarted(state=server.state, detail=server.failure_detail())
