"""The `embed` model role as the codebase index takes it: an `EmbedTarget` (a model name and
an embedding function), resolved through the provider registry.

Its own module, so that neither the roles (which the registry imports) nor the codebase
index (below the AI layer) depends on the registry."""

from __future__ import annotations

from pairpad.ai.provider_config import LOCAL_PROVIDER
from pairpad.ai.providers.base import Embedder, ProviderError
from pairpad.ai.providers.registry import ProviderRegistry
from pairpad.codebase.embeddings import EmbedTarget


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
