"""Model roles (chat, autocomplete, edit, apply, embed) -> "provider:model" references."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pairpad.ai.config import LOCAL_PROVIDER, ROLE_NAMES, RoleName
from pairpad.ai.providers.base import Embedder, ProviderError

if TYPE_CHECKING:  # the registry imports this module
    from pairpad.ai.providers.registry import ProviderRegistry


@dataclass(frozen=True)
class ModelRef:
    provider: str
    model: str

    def __str__(self) -> str:
        return f"{self.provider}:{self.model}"


def parse_model_ref(value: str, *, setting: str = "ai.roles") -> ModelRef:
    """`"ollama:qwen2.5-coder:7b"` -> provider "ollama", model "qwen2.5-coder:7b"."""
    provider, sep, model = value.strip().partition(":")
    if not sep or not provider or not model:
        raise ValueError(f"{setting}: {value!r} must look like 'provider:model'")
    return ModelRef(provider, model)


def default_roles(local_model: str) -> dict[RoleName, ModelRef]:
    """Nothing configured: the embedded model does everything."""
    return {role: ModelRef(LOCAL_PROVIDER, local_model) for role in ROLE_NAMES}


def effective_roles(
    configured: dict[RoleName, str], local_model: str
) -> dict[RoleName, ModelRef]:
    roles = default_roles(local_model)
    for role, ref in configured.items():
        roles[role] = parse_model_ref(ref, setting=f"ai.roles.{role}")
    return roles


EmbedFn = Callable[[list[str]], Awaitable[list[list[float]]]]
EMBED_OFF = ("ai.roles.embed is not set: the embedded model cannot embed; set ai.roles.embed to "
             "an embedding model (e.g. 'myollama:nomic-embed-text') to add the embedding signal")


@dataclass(frozen=True)
class EmbedTarget:
    """The `embed` role, resolved: `model` ("provider:model") keys the stored vectors."""

    model: str
    embed: EmbedFn


def embed_target(registry: ProviderRegistry) -> EmbedTarget | None:
    """The configured `embed` role, or None when it is left at the embedded chat model (which
    is not an embedding model). Resolved on every call, so a role changed in the UI applies."""
    ref = registry.roles.get("embed")
    spec = registry.specs.get(ref.provider) if ref is not None else None
    if ref is None or ref.provider == LOCAL_PROVIDER or (spec and spec.config.kind == "local"):
        return None
    provider_name, model = ref.provider, ref.model

    async def embed(texts: list[str]) -> list[list[float]]:
        provider = registry.get(provider_name)
        if not isinstance(provider, Embedder):
            raise ProviderError(
                f"Provider '{provider_name}' ({provider.kind}) cannot embed: set ai.roles.embed "
                "to an embedding model of an openai_compat or ollama provider", "bad_request",
                "ai.roles.embed")
        return await provider.embed(texts, model)

    return EmbedTarget(str(ref), embed)
