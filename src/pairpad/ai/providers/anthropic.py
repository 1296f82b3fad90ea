"""Anthropic's Messages API with streaming, via the official `anthropic` SDK (raw SSE events)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import anthropic
from anthropic import AsyncAnthropic

from pairpad.ai.profiles import ModelProfiles
from pairpad.ai.providers.base import (
    ChatEvent,
    ChatMessage,
    Completion,
    CompletionEvent,
    FinishReason,
    Health,
    ModelInfo,
    ProviderError,
    StreamEnd,
    TextDelta,
    ToolCallDelta,
    ToolSpec,
    Usage,
    estimate_tokens,
    until_cancelled,
)
from pairpad.ai.providers.endpoint import EndpointProvider, ProviderEndpoint
from pairpad.ai.providers.errors import missing_key

_FINISH: dict[str, FinishReason] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}
# Offered when the models endpoint is unavailable (older proxies).
KNOWN_MODELS = ("claude-sonnet-5-5", "claude-opus-5-5", "claude-haiku-5-5")


class AnthropicProvider(EndpointProvider):
    kind = "anthropic"

    def __init__(
        self,
        endpoint: ProviderEndpoint,
        *,
        profiles: ModelProfiles | None = None,
        http_client: Any = None,  # an httpx2.AsyncClient (the SDK's HTTP library); tests
    ) -> None:
        super().__init__(endpoint, profiles=profiles)
        self._client = AsyncAnthropic(
            base_url=endpoint.base_url,
            api_key=endpoint.api_key or "missing",
            timeout=anthropic.Timeout(endpoint.timeout, connect=endpoint.connect_timeout),
            max_retries=0,
            http_client=http_client,
        )

    async def list_models(self) -> list[ModelInfo]:
        try:
            page = await self._client.models.list()
            ids = [model.id for model in page.data]
        except Exception as error:
            mapped = self._error(error, None)
            if mapped.kind in ("auth", "unreachable", "timeout"):
                raise mapped from error
            ids = list(self.endpoint.models or KNOWN_MODELS)
        return [self.model_info(i) for i in ids]

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
        self._require_key()
        system, wire = _split_system(messages)
        # SDK 2.x's Messages API takes no temperature (the models pick their own sampling).
        params: dict[str, Any] = {
            "model": model, "messages": wire, "max_tokens": max_tokens, "stream": True,
        }
        if system:
            params["system"] = system
        if tools:
            params["tools"] = [
                {"name": t.name, "description": t.description, "input_schema": t.parameters}
                for t in tools
            ]
        try:
            stream = await self._client.messages.create(**params)
        except Exception as error:
            raise self._error(error, model) from error
        input_tokens = output_tokens = 0
        finish: FinishReason = "stop"
        saw_stop = False
        try:
            async for event in until_cancelled(stream.__aiter__(), cancel):
                if event.type == "message_start":
                    input_tokens = event.message.usage.input_tokens
                    output_tokens = event.message.usage.output_tokens
                elif event.type == "content_block_start":
                    block = event.content_block
                    if block.type == "tool_use":
                        yield ToolCallDelta(event.index, block.id, block.name, "")
                elif event.type == "content_block_delta":
                    delta = event.delta
                    if delta.type == "text_delta":
                        yield TextDelta(delta.text)
                    elif delta.type == "input_json_delta":
                        yield ToolCallDelta(event.index, None, None, delta.partial_json)
                elif event.type == "message_delta":
                    output_tokens = event.usage.output_tokens
                    if event.delta.stop_reason:
                        finish = _FINISH.get(event.delta.stop_reason, "stop")
                elif event.type == "message_stop":
                    saw_stop = True
        except Exception as error:
            raise self._error(error, model) from error
        finally:
            await stream.close()
        if cancel is not None and cancel.is_set():
            finish = "cancelled"
        elif not saw_stop:
            raise ProviderError(
                f"Provider '{self.name}' ended the stream without message_stop (connection cut?)",
                "protocol", f"ai.providers.{self.name}.base_url",
            )
        yield StreamEnd(finish, Usage(input_tokens, output_tokens))

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
        """Refused like `stream_complete` (nothing in Pairpad asks Anthropic for a text
        completion): Anthropic also rejects the whitespace-only stops completion uses ("\n")."""
        raise self._no_completion(model)

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
        """Refused: the Messages API takes no raw prompt, so no fill-in-the-middle; an
        instruction-following stand-in would be slow and costly on every keystroke."""
        raise self._no_completion(model)
        yield  # an async generator like the others: the error comes with the first event

    def _no_completion(self, model: str) -> ProviderError:
        return ProviderError(
            f"Provider '{self.name}' (Anthropic) cannot do inline completion: the Messages API "
            "takes no raw prompt and has no fill-in-the-middle. Set ai.roles.autocomplete to a "
            "model of the local, an Ollama or an OpenAI-compatible provider (a code model such "
            "as qwen2.5-coder is best).", "bad_request", "ai.roles.autocomplete",
            {"provider": self.name, "model": model})

    async def count_tokens(self, model: str, text: str) -> int:
        return estimate_tokens(text)

    async def health(self) -> Health:
        if not self.endpoint.api_key:
            return Health(False, missing_key(self.endpoint).detail)
        started = time.perf_counter()
        try:
            await self._client.models.list()
        except Exception as error:
            return Health(False, self._error(error, None).detail)
        return Health(True, "ok", (time.perf_counter() - started) * 1000)

    async def aclose(self) -> None:
        await self._client.close()

    def _require_key(self) -> None:
        if not self.endpoint.api_key:
            raise missing_key(self.endpoint)


def _split_system(messages: list[ChatMessage]) -> tuple[str, list[dict[str, Any]]]:
    """Anthropic takes the system prompt apart and tool results as user content blocks."""
    system = "\n\n".join(m.content for m in messages if m.role == "system")
    wire: list[dict[str, Any]] = []
    for message in messages:
        if message.role == "system":
            continue
        if message.role == "tool":
            wire.append({"role": "user", "content": [{
                "type": "tool_result", "tool_use_id": message.tool_call_id,
                "content": message.content,
            }]})
        elif message.tool_calls:
            blocks: list[dict[str, Any]] = [{"type": "text", "text": message.content}] \
                if message.content else []
            blocks += [{"type": "tool_use", "id": c.id, "name": c.name,
                        "input": json.loads(c.arguments or "{}")} for c in message.tool_calls]
            wire.append({"role": "assistant", "content": blocks})
        else:
            wire.append({"role": message.role, "content": message.content})
    return system, wire
