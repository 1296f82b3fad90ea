"""The `local` provider: the embedded model's shared llama.cpp server (`local_server.py`),
spoken to with the very same `OpenAICompatProvider` used for remote servers. A failed request
to it is explained by how the server died, when it did."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import httpx

from pairpad.ai.profiles import BUILTIN_PROFILES, ModelProfiles
from pairpad.ai.provider_config import LOCAL_PROVIDER
from pairpad.ai.providers.base import (
    ChatEvent,
    ChatMessage,
    Completion,
    CompletionEvent,
    Health,
    ModelInfo,
    ProviderError,
    StreamEnd,
    ToolSpec,
    Usage,
    estimate_tokens,
    unless_cancelled,
)
from pairpad.ai.providers.endpoint import ProviderEndpoint
from pairpad.ai.providers.local_server import (
    LocalModelServer,
    embedded_model_path,
    free_port,
    llama_server_missing,
)
from pairpad.ai.providers.openai_compat import OpenAICompatProvider

__all__ = ["LocalModelServer", "LocalProvider", "embedded_model_path", "free_port",
           "llama_server_missing"]


class LocalProvider:
    """The `local` provider: the shared server above, spoken to with `OpenAICompatProvider`."""

    kind = "local"

    def __init__(self, server: LocalModelServer, name: str = LOCAL_PROVIDER, *,
                 profiles: ModelProfiles | None = None) -> None:
        self.name = name
        self._server = server
        self.profiles = profiles or BUILTIN_PROFILES
        self._adapter: OpenAICompatProvider | None = None
        self._adapter_key: str | None = None

    async def _compat(self) -> OpenAICompatProvider:
        base_url = await self._server.ensure_running()
        key = self._server.api_key
        # Port and key change on restart: a new adapter then.
        if self._adapter is None or (self._adapter.base_url, self._adapter_key) != (base_url, key):
            if self._adapter is not None:
                await self._adapter.aclose()
            endpoint = ProviderEndpoint(
                self.name, base_url, api_key=key, timeout=300.0, connect_timeout=3.0,
                context_window=self._server.n_ctx, window_setting="ai.local.n_ctx")
            # llama.cpp takes any number of stop strings: all of them go on the wire.
            self._adapter = OpenAICompatProvider(endpoint, profiles=self.profiles,
                                                 wire_stop_limit=None)
            self._adapter_key = key
        return self._adapter

    async def list_models(self) -> list[ModelInfo]:
        # Known without starting the server: listing models must stay cheap.
        model = self._server.model_id
        fim = self.profiles.get(self.kind, model, self.name).fim
        return [ModelInfo(model, self._server.n_ctx, supports_fim=fim is not None)]

    async def stream_chat(
        self,
        messages: list[ChatMessage],
        *,
        model: str,
        max_tokens: int,
        temperature: float,
        tools: list[ToolSpec] | None = None,
        cancel: asyncio.Event | None = None,
    ) -> AsyncIterator[ChatEvent]:
        self._check_model(model)
        adapter = await self._compat()
        try:
            async for event in adapter.stream_chat(
                messages, model=model, max_tokens=max_tokens, temperature=temperature,
                tools=tools, cancel=cancel,
            ):
                yield event
        except ProviderError as error:
            raise await self._explain(error) from error

    async def complete(
        self,
        *,
        model: str,
        prefix: str,
        suffix: str | None,
        max_tokens: int,
        temperature: float = 0.0,
        stop: list[str] | None = None,
    ) -> Completion:
        self._check_model(model)
        adapter = await self._compat()
        try:
            return await adapter.complete(
                model=model, prefix=prefix, suffix=suffix, max_tokens=max_tokens,
                temperature=temperature, stop=stop,
            )
        except ProviderError as error:
            raise await self._explain(error) from error

    async def stream_complete(
        self,
        *,
        model: str,
        prefix: str,
        suffix: str | None,
        max_tokens: int,
        temperature: float = 0.0,
        stop: list[str] | None = None,
        cancel: asyncio.Event | None = None,
    ) -> AsyncGenerator[CompletionEvent, None]:
        self._check_model(model)
        # A cancel while the server is still starting ends this request at once; the start
        # itself goes on (shielded), so the next completion finds it warm.
        starting = asyncio.ensure_future(self._compat())
        starting.add_done_callback(_retrieve)  # a failed start nobody waits for any more
        adapter = await unless_cancelled(asyncio.shield(starting), cancel)
        if adapter is None:
            yield StreamEnd("cancelled", Usage(estimate_tokens(prefix), 0, estimated=True))
            return
        events = adapter.stream_complete(
            model=model, prefix=prefix, suffix=suffix, max_tokens=max_tokens,
            temperature=temperature, stop=stop, cancel=cancel)
        try:
            async with contextlib.aclosing(events):  # our consumer stopping closes the stream
                async for event in events:
                    yield event
        except ProviderError as error:
            raise await self._explain(error) from error

    async def _explain(self, error: ProviderError) -> ProviderError:
        """A dropped connection to our own server usually means it died: say how, instead of
        'unreachable … start it' (advice that cannot help with a managed process)."""
        if error.kind in ("unreachable", "protocol", "timeout") and (
                await self._server.wait_for_exit(2.0)):
            return ProviderError(self._server.failure_detail(), "unavailable", "ai.local")
        return error

    def _check_model(self, model: str) -> None:
        # llama.cpp's server answers any model name with its one model; say so instead.
        if model != self._server.model_id:
            raise ProviderError(
                f"Provider '{self.name}' serves only '{self._server.model_id}', not '{model}': "
                "fix ai.roles", "model_not_found", "ai.roles")

    async def count_tokens(self, model: str, text: str) -> int:
        try:
            return await self._server.count_tokens(text)
        except (httpx.HTTPError, KeyError, ValueError, ProviderError):
            # Crashed or waiting to restart: an estimate keeps the context preview working;
            # the answer itself then reports what happened to the server.
            return estimate_tokens(text)

    async def health(self) -> Health:
        state = self._server.state
        if state in ("crashed", "failed"):
            return Health(False, self._server.failure_detail(), state=state)
        if state == "starting":
            return Health(True, "starting: loading the model", state=state)
        if state == "not_started":
            try:
                self._server.preflight()
            except ProviderError as error:
                return Health(False, error.detail, state="failed")
            return Health(True, "embedded model; starts on first use", state=state)
        adapter = await self._compat()
        health = await adapter.health()
        return Health(health.ok, health.detail, health.latency_ms,
                      state="ready" if health.ok else "unreachable")

    async def aclose(self) -> None:
        if self._adapter is not None:
            await self._adapter.aclose()
            self._adapter = None


def _retrieve(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()  # marks it retrieved: the error is the server's state, shown elsewhere
