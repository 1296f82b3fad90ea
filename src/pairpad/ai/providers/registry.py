"""Provider instances built from the effective configuration, and role resolution."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Literal

from pairpad.ai.profiles import BUILTIN_PROFILES, ModelProfile, ModelProfiles
from pairpad.ai.provider_config import LOCAL_PROVIDER, ProviderConfig, RoleName
from pairpad.ai.providers.anthropic import AnthropicProvider
from pairpad.ai.providers.base import ModelInfo, Provider, ProviderError, WindowReporter
from pairpad.ai.providers.endpoint import ProviderEndpoint
from pairpad.ai.providers.local import LocalModelServer, LocalProvider
from pairpad.ai.providers.metered import MeteredProvider
from pairpad.ai.providers.ollama import OllamaProvider
from pairpad.ai.providers.openai_compat import OpenAICompatProvider
from pairpad.ai.roles import ModelRef, parse_model_ref

KeySource = Literal["stored", "settings", "env", "none"]
WINDOW_PROBE_TIMEOUT = 5.0  # seconds to ask a server for a model's context window


@dataclass(frozen=True)
class ProviderSpec:
    """A provider's config with its key already resolved (never logged, never returned)."""

    name: str
    config: ProviderConfig
    api_key: str | None = field(default=None, repr=False)
    key_source: KeySource = "none"
    key_setting: str = ""
    origin: Literal["builtin", "settings", "user"] = "settings"

    def fingerprint(self) -> tuple[object, ...]:
        c = self.config
        return (c.kind, c.effective_base_url(), self.api_key, c.timeout, c.connect_timeout,
                c.context_window, tuple(c.models))


@dataclass(frozen=True)
class ProviderStatus:
    name: str
    kind: str
    reachable: bool
    detail: str
    models: list[ModelInfo]
    latency_ms: float | None
    state: str = "ready"  # see Health.state


def endpoint_of(spec: ProviderSpec) -> ProviderEndpoint:
    c = spec.config
    return ProviderEndpoint(
        spec.name, c.effective_base_url(), api_key=spec.api_key, timeout=c.timeout,
        connect_timeout=c.connect_timeout, context_window=c.context_window,
        models=tuple(c.models), key_setting=spec.key_setting)


def build_provider(spec: ProviderSpec, local_server: LocalModelServer,
                   profiles: ModelProfiles | None = None) -> Provider:
    kind = spec.config.kind
    if kind == "local":
        return LocalProvider(local_server, spec.name, profiles=profiles)
    if kind == "openai_compat":
        return OpenAICompatProvider(endpoint_of(spec), profiles=profiles)
    if kind == "anthropic":
        return AnthropicProvider(endpoint_of(spec), profiles=profiles)
    return OllamaProvider(endpoint_of(spec), profiles=profiles)


class ProviderRegistry:
    def __init__(self, local_server: LocalModelServer,
                 profiles: ModelProfiles | None = None) -> None:
        self.local_server = local_server
        self.profiles = profiles or BUILTIN_PROFILES
        self._specs: dict[str, ProviderSpec] = {}
        self._roles: dict[RoleName, ModelRef] = {}
        self._instances: dict[str, tuple[tuple[object, ...], Provider]] = {}
        # Replaced instances still used by a stream; closed when the last one ends.
        self._retired: list[Provider] = []
        self._leases: dict[int, int] = {}  # id(provider) → streams/probes using it
        self._closing: set[asyncio.Task[None]] = set()
        # Context windows servers reported, per (provider, its config, model); None = not said.
        self._windows: dict[tuple[str, tuple[object, ...], str], int | None] = {}

    def configure(self, specs: dict[str, ProviderSpec], roles: dict[RoleName, ModelRef],
                  profiles: ModelProfiles | None = None) -> None:
        self._specs = dict(specs)
        self._roles = dict(roles)
        if profiles is not None and (list(profiles.overrides.items())
                                     != list(self.profiles.overrides.items())):
            self.profiles = profiles  # providers hold the profiles they were built with
            for name in list(self._instances):
                self._retire(self._instances.pop(name)[1])
        for name in [n for n in self._instances if n not in self._specs]:  # provider removed
            self._retire(self._instances.pop(name)[1])

    # -- instance lifetime -------------------------------------------------------------------

    def acquire(self, provider: Provider) -> None:
        """Mark `provider` in use (a stream is about to start): a settings edit that replaces
        it then closes it only after `release`."""
        self._leases[id(provider)] = self._leases.get(id(provider), 0) + 1

    def release(self, provider: Provider) -> None:
        left = self._leases.get(id(provider), 0) - 1
        if left > 0:
            self._leases[id(provider)] = left
            return
        self._leases.pop(id(provider), None)
        if any(p is provider for p in self._retired):
            self._retired = [p for p in self._retired if p is not provider]
            self._close_soon(provider)

    @contextlib.asynccontextmanager
    async def using(self, provider: Provider) -> AsyncIterator[Provider]:
        self.acquire(provider)
        try:
            yield provider
        finally:
            self.release(provider)

    def _retire(self, provider: Provider) -> None:
        if any(p is provider for _fp, p in self._instances.values()):
            return  # still current under another name (never happens today; cheap to check)
        if self._leases.get(id(provider)):
            self._retired.append(provider)  # closed by the last release()
        else:
            self._close_soon(provider)

    def _close_soon(self, provider: Provider) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (sync caller): closed at shutdown instead
            self._retired.append(provider)
            return
        task = loop.create_task(self._close(provider))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    @staticmethod
    async def _close(provider: Provider) -> None:
        with contextlib.suppress(Exception):
            await provider.aclose()

    @property
    def specs(self) -> dict[str, ProviderSpec]:
        return dict(self._specs)

    @property
    def roles(self) -> dict[RoleName, ModelRef]:
        return dict(self._roles)

    def get(self, name: str) -> Provider:
        spec = self._specs.get(name)
        if spec is None:
            raise ProviderError(
                f"Unknown provider '{name}': add [ai.providers.{name}] to the settings or fix "
                "ai.roles", "bad_request", "ai.roles")
        cached = self._instances.get(name)
        if cached is not None and cached[0] == spec.fingerprint():
            return cached[1]
        provider = self.build(spec)
        self._instances[name] = (spec.fingerprint(), provider)
        if cached is not None:  # closed now, or when the streams using it end
            self._retire(cached[1])
        return provider

    def build(self, spec: ProviderSpec) -> Provider:
        """A new provider for `spec` (not kept: the caller closes it), with these profiles,
        measured (every model request goes through one of these: ai/providers/metered.py)."""
        return MeteredProvider(build_provider(spec, self.local_server, self.profiles))

    def profile_for(self, ref: ModelRef) -> ModelProfile:
        """How to talk to `ref`'s model: the profile table for its provider's kind, with the
        user's `ai.profiles` merged over it. An unknown provider gets the kind-neutral one."""
        spec = self._specs.get(ref.provider)
        kind = spec.config.kind if spec is not None else ""
        return self.profiles.get(kind, ref.model, ref.provider)

    def resolve(self, role: RoleName, override: str | None = None) -> tuple[Provider, ModelRef]:
        ref = parse_model_ref(override, setting="model") if override else self._roles.get(role)
        if ref is None:
            raise ProviderError(f"No model for role '{role}': set ai.roles.{role}",
                                "bad_request", f"ai.roles.{role}")
        return self.get(ref.provider), ref

    async def context_window(self, ref: ModelRef) -> int:
        """The setting (`ai.providers.NAME.context_window`), else what the server reports
        (asked once per provider config and model), else the model's profile (the family's
        usual window, or the user's `ai.profiles` value)."""
        spec = self._specs.get(ref.provider)
        if spec is not None and spec.config.context_window:
            return spec.config.context_window
        if ref.provider == LOCAL_PROVIDER or (spec and spec.config.kind == "local"):
            return self.local_server.n_ctx
        reported = await self._reported_window(ref, spec)
        return reported or self.profile_for(ref).context_window

    async def _reported_window(self, ref: ModelRef, spec: ProviderSpec | None) -> int | None:
        if spec is None:
            return None
        key = (ref.provider, spec.fingerprint(), ref.model)
        if key in self._windows:
            return self._windows[key]
        provider = self.get(ref.provider)
        found: int | None = None
        if isinstance(provider, WindowReporter):
            try:
                async with self.using(provider), asyncio.timeout(WINDOW_PROBE_TIMEOUT):
                    found = await provider.context_window_of(ref.model)
            except (ProviderError, TimeoutError):
                return None  # unreachable now: ask again next time
        self._windows[key] = found
        return found

    async def status(self, probe_timeout: float) -> list[ProviderStatus]:
        """Probe all providers concurrently, each for at most `probe_timeout` seconds."""
        names = list(self._specs)
        results = await asyncio.gather(*(self._probe(name, probe_timeout) for name in names))
        return list(results)

    async def _probe(self, name: str, probe_timeout: float) -> ProviderStatus:
        spec = self._specs[name]
        try:
            provider = self.get(name)
            async with self.using(provider), asyncio.timeout(probe_timeout):
                health = await provider.health()
                # The embedded model's list is known without its process: a crashed one
                # still names the model it serves (the role pickers keep showing it).
                listable = health.ok or spec.config.kind == "local"
                models = await provider.list_models() if listable else []
        except TimeoutError:
            setting = f"ai.providers.{name}.base_url"
            return ProviderStatus(name, spec.config.kind, False,
                                  f"Provider '{name}' did not answer within {probe_timeout:g}s: "
                                  "check "
                                  f"{setting}", [], None, "unreachable")
        except ProviderError as error:
            return ProviderStatus(name, spec.config.kind, False, error.detail, [], None,
                                  "unreachable")
        state = health.state or ("ready" if health.ok else "unreachable")
        return ProviderStatus(name, spec.config.kind, health.ok, health.detail, models,
                              health.latency_ms, state)

    @property
    def retired(self) -> int:
        """Replaced instances waiting for their streams to end (tests, diagnostics)."""
        return len(self._retired)

    async def aclose(self) -> None:
        instances, self._instances = self._instances, {}
        retired, self._retired = self._retired, []
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)
        for provider in [*retired, *(p for _fp, p in instances.values())]:
            await provider.aclose()
