"""Model roles (chat, autocomplete, edit, apply, embed) -> "provider:model" references."""

from __future__ import annotations

from dataclasses import dataclass

from pairpad.ai.provider_config import LOCAL_PROVIDER, ROLE_NAMES, RoleName


@dataclass(frozen=True)
class ModelRef:
    provider: str
    model: str

    def __str__(self) -> str:
        return f"{self.provider}:{self.model}"


# A reference is stored whole (agent_runs.model is the smallest column: 200 characters);
# PostgreSQL enforces column sizes where SQLite does not, so longer ones are refused here.
MAX_MODEL_REF = 200


def parse_model_ref(value: str, *, setting: str = "ai.roles") -> ModelRef:
    """`"ollama:qwen2.5-coder:7b"` -> provider "ollama", model "qwen2.5-coder:7b"."""
    if len(value.strip()) > MAX_MODEL_REF:
        raise ValueError(f"{setting}: a model reference has at most {MAX_MODEL_REF} "
                         "characters")
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
