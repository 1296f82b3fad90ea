"""Effective AI configuration: TOML/env settings, overridden by what the user set in the UI
(the database, keys Fernet-encrypted). Keys are resolved here and handed only to providers.

UI rows belong to one owner (user-wide: `workspace_id` ''); their primary keys include the
owner (revision 0010_owner_keys), and every read and write here filters by it, so one team
never sees or overwrites another's provider or key."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from pairpad.ai.profiles import ModelProfiles
from pairpad.ai.provider_config import (
    LOCAL_PROVIDER,
    ROLE_NAMES,
    AISettings,
    ProviderConfig,
    ProviderKind,
    RoleName,
)
from pairpad.ai.providers.registry import KeySource, ProviderRegistry, ProviderSpec
from pairpad.ai.roles import ModelRef, default_roles, parse_model_ref
from pairpad.ai.secrets import SecretBox
from pairpad.errors import NotFound, Unprocessable
from pairpad.storage.db import Database
from pairpad.storage.owner import NO_WORKSPACE, Owner
from pairpad.storage.tables import AIProviderRow, AIRoleRow

# Present without any configuration when their conventional env var holds a key.
_ENV_PROVIDERS: dict[str, tuple[ProviderKind, str]] = {
    "openai": ("openai_compat", "OPENAI_API_KEY"),
    "anthropic": ("anthropic", "ANTHROPIC_API_KEY"),
}

ENV_KEYS_REFUSED = ("api_key_env is not allowed here: paste the key (team mode never sends the "
                    "server's environment variables to a provider)")


class ProviderUpdate(BaseModel):
    """Body of PUT /api/models/providers/{name}. `api_key`: None keeps, "" clears."""

    kind: ProviderKind
    base_url: str | None = None
    api_key: str | None = Field(default=None, max_length=4096)
    api_key_env: str | None = Field(default=None, max_length=128,
                                    pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    timeout: float = Field(default=120.0, gt=0, le=3600)
    connect_timeout: float = Field(default=5.0, gt=0, le=120)
    context_window: int | None = Field(default=None, gt=0)
    models: list[str] = Field(default_factory=list)


class AISettingsService:
    def __init__(
        self,
        settings: AISettings,
        db: Database,
        box: SecretBox,
        registry: ProviderRegistry,
        owner: Owner,
        env: Mapping[str, str] | None = None,
        *,
        allow_env_keys: bool = True,
    ) -> None:
        """`allow_env_keys` False (team mode): no key ever comes from the server's
        environment — no env-only providers, no `api_key_env`, no conventional env var."""
        self._owner = owner
        self._settings = settings
        self._db = db
        self._box = box
        self.registry = registry
        # Without env keys the environment is simply never looked at (an empty one).
        self._env: Mapping[str, str] = {} if not allow_env_keys else (
            env if env is not None else os.environ)
        self._allow_env_keys = allow_env_keys
        self.problems: list[str] = []

    def _providers(self) -> list[Any]:
        """This owner's user-wide provider rows."""
        return [AIProviderRow.owner_id == self._owner.owner_id,
                AIProviderRow.workspace_id == NO_WORKSPACE]

    def _roles(self) -> list[Any]:
        return [AIRoleRow.owner_id == self._owner.owner_id, AIRoleRow.workspace_id == NO_WORKSPACE]

    async def _provider_row(self, session: AsyncSession, name: str) -> AIProviderRow | None:
        return await session.get(AIProviderRow, (self._owner.owner_id, NO_WORKSPACE, name))

    async def load(self) -> None:
        """Recompute the effective configuration and hand it to the registry."""
        async with self._db.session() as session:
            rows = list((await session.scalars(select(AIProviderRow).where(
                *self._providers()))).all())
            role_rows = list((await session.scalars(select(AIRoleRow).where(
                *self._roles()))).all())
        problems: list[str] = []
        specs = self._base_specs()
        for row in rows:
            if row.api_key_env and not self._allow_env_keys:
                problems.append(f"Stored provider '{row.name}' is ignored: {ENV_KEYS_REFUSED}")
                continue
            try:
                specs[row.name] = self._spec_from_row(row)
            except ValidationError as error:
                msg = error.errors()[0]["msg"]
                problems.append(f"Stored provider '{row.name}' is invalid: {msg}")
        roles = default_roles(self._settings.local.model_id)
        sources: list[tuple[str, str, str]] = [
            (role, ref, f"ai.roles.{role}") for role, ref in self._settings.roles.items()
        ] + [(r.role, r.model_ref, f"ai.roles.{r.role} (set in the UI)") for r in role_rows]
        for role, raw, setting in sources:
            if role not in ROLE_NAMES:
                continue
            try:
                ref = parse_model_ref(raw, setting=setting)
            except ValueError as error:
                problems.append(str(error))
                continue
            if ref.provider not in specs:
                problems.append(f"{setting} uses unknown provider '{ref.provider}': add "
                                f"[ai.providers.{ref.provider}] or change {setting}")
            roles[role] = ref
        self.problems = problems
        self.registry.configure(specs, roles, ModelProfiles(self._settings.profiles))

    def _base_specs(self) -> dict[str, ProviderSpec]:
        specs = {LOCAL_PROVIDER: ProviderSpec(LOCAL_PROVIDER, ProviderConfig(kind="local"),
                                              origin="builtin")}
        for name, (kind, env_name) in _ENV_PROVIDERS.items():
            if self._env.get(env_name):
                specs[name] = self._spec(name, ProviderConfig(kind=kind), None, "builtin")
        for name, config in self._settings.providers.items():
            specs[name] = self._spec(name, config, None, "settings")
        return specs

    def _spec_from_row(self, row: AIProviderRow) -> ProviderSpec:
        config = ProviderConfig.model_validate({"kind": row.kind, "base_url": row.base_url,
                                                "api_key_env": row.api_key_env, **row.options})
        stored = self._box.decrypt(row.api_key_encrypted) if row.api_key_encrypted else None
        return self._spec(row.name, config, stored, "user")

    def _spec(self, name: str, config: ProviderConfig, stored: str | None,
              origin: Any) -> ProviderSpec:
        env_name = config.key_env_name()
        setting = f"ai.providers.{name}.api_key"
        if env_name and self._allow_env_keys:
            setting += f" or the env var {env_name}"
        source: KeySource = "none"
        key: str | None = None
        if stored:
            key, source = stored, "stored"
        elif config.api_key is not None:
            key, source = config.api_key.get_secret_value(), "settings"
        elif env_name and self._env.get(env_name):
            key, source = self._env[env_name], "env"
        return ProviderSpec(name, config, key, source, setting, origin)

    def _validate(self, name: str,
                  update: ProviderUpdate) -> tuple[ProviderConfig, dict[str, object]]:
        """The name and config checked exactly as TOML would be (saving and testing share it)."""
        if update.api_key_env and not self._allow_env_keys:
            raise Unprocessable(ENV_KEYS_REFUSED)
        if not name or ":" in name or len(name) > 64 or name == LOCAL_PROVIDER:
            raise Unprocessable(f"Invalid provider name {name!r}: 1-64 characters, no ':', not "
                                f"'{LOCAL_PROVIDER}'")
        options: dict[str, object] = {
                   "timeout": update.timeout, "connect_timeout": update.connect_timeout,
                   "context_window": update.context_window, "models": update.models}
        try:
            config = ProviderConfig.model_validate({
                "kind": update.kind, "base_url": update.base_url,
                "api_key_env": update.api_key_env or None, **options})
        except ValidationError as error:
            detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                               for e in error.errors())
            raise Unprocessable(f"Invalid provider '{name}': {detail}") from error
        return config, options

    async def candidate_spec(self, name: str, update: ProviderUpdate) -> ProviderSpec:
        """The provider `update` would become if saved under `name` — same validation, same key
        (`api_key` None keeps the stored one, "" clears it) — for "Test connection"."""
        config, _options = self._validate(name, update)
        stored: str | None = None
        if update.api_key:
            stored = update.api_key
        elif update.api_key is None:
            async with self._db.session() as session:
                row = await self._provider_row(session, name)
            if row is not None and row.api_key_encrypted:
                stored = self._box.decrypt(row.api_key_encrypted)
        return self._spec(name, config, stored, "user")

    async def upsert_provider(self, name: str, update: ProviderUpdate) -> None:
        _config, options = self._validate(name, update)
        async with self._db.session() as session:
            row = await self._provider_row(session, name)
            if row is None:
                row = AIProviderRow(name=name, kind=update.kind, owner_id=self._owner.owner_id,
                                    workspace_id=NO_WORKSPACE)
                session.add(row)
            row.kind = update.kind
            row.base_url = update.base_url or None
            row.api_key_env = update.api_key_env or None
            row.options = options
            if update.api_key == "":
                row.api_key_encrypted = None
            elif update.api_key is not None:
                row.api_key_encrypted = self._box.encrypt(update.api_key)
        await self.load()

    async def delete_provider(self, name: str) -> None:
        async with self._db.session() as session:
            row = await self._provider_row(session, name)
            if row is None:
                raise NotFound(f"No provider '{name}' was set in the UI (TOML ones are edited "
                               "in config.toml)")
            await session.delete(row)
        await self.load()

    async def set_roles(self, roles: dict[str, str | None]) -> None:
        """`None` removes the UI assignment (back to TOML/env or the embedded default)."""
        clean: dict[str, ModelRef | None] = {}
        problems: list[str] = []
        specs = self.registry.specs
        for role, raw in roles.items():
            if role not in ROLE_NAMES:
                problems.append(f"unknown role {role!r} (one of {', '.join(ROLE_NAMES)})")
                continue
            if raw is None or raw == "":
                clean[role] = None
                continue
            try:
                ref = parse_model_ref(raw, setting=f"ai.roles.{role}")
            except ValueError as error:
                problems.append(str(error))
                continue
            if ref.provider not in specs:
                problems.append(f"ai.roles.{role}: unknown provider '{ref.provider}'")
            clean[role] = ref
        if problems:
            raise Unprocessable("Invalid roles: " + "; ".join(problems))
        async with self._db.session() as session:
            for role, chosen in clean.items():
                if chosen is None:
                    await session.execute(delete(AIRoleRow).where(AIRoleRow.role == role,
                                                                  *self._roles()))
                else:
                    await session.merge(AIRoleRow(role=role, model_ref=str(chosen),
                                                  owner_id=self._owner.owner_id,
                                                  workspace_id=NO_WORKSPACE))
        await self.load()

    def roles(self) -> dict[RoleName, ModelRef]:
        return self.registry.roles


def describe_provider(spec: ProviderSpec) -> dict[str, Any]:
    """A provider as the API shows it: never the key, only whether there is one and where from."""
    c = spec.config
    return {
        "name": spec.name, "kind": c.kind, "origin": spec.origin,
        "base_url": c.effective_base_url() or None, "api_key_env": c.key_env_name(),
        "has_api_key": spec.api_key is not None, "key_source": spec.key_source,
        "key_setting": spec.key_setting, "timeout": c.timeout,
        "connect_timeout": c.connect_timeout, "context_window": c.context_window,
        "configured_models": list(c.models),
    }
