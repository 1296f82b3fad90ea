"""Any OpenAI-compatible endpoint (OpenAI, Ollama's /v1, LM Studio, vLLM, llama.cpp) via the
official `openai` SDK. The embedded `local` provider talks to its llama.cpp server through this."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import httpx
import openai
from openai import AsyncOpenAI

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
    StopScanner,
    StreamEnd,
    TextDelta,
    ToolCallDelta,
    ToolSpec,
    Usage,
    check_vectors,
    collect_completion,
    estimate_tokens,
    merge_stops,
    unless_cancelled,
    until_cancelled,
)
from pairpad.ai.providers.endpoint import EndpointProvider, ProviderEndpoint
from pairpad.ai.providers.windows import window_from_model_entry, window_from_props

_FINISH: dict[str, FinishReason] = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
    "content_filter": "content_filter",
}


# OpenAI's /v1/completions takes at most 4 stop sequences (a 400 above that); llama.cpp's
# server takes any number. The rest are applied to the streamed text here, all of them are.
WIRE_STOP_LIMIT = 4


class OpenAICompatProvider(EndpointProvider):
    kind = "openai_compat"

    def __init__(
        self,
        endpoint: ProviderEndpoint,
        *,
        profiles: ModelProfiles | None = None,
        http_client: Any = None,  # an httpx2.AsyncClient (the SDK's HTTP library); tests
        wire_stop_limit: int | None = WIRE_STOP_LIMIT,  # None: all (the embedded llama.cpp)
    ) -> None:
        super().__init__(endpoint, profiles=profiles)
        self._wire_stop_limit = wire_stop_limit
        self._per_token_models: set[str] = set()  # see embed()
        # max_retries=0: a down server must fail fast and visibly, not after silent retries.
        self._client = AsyncOpenAI(
            base_url=endpoint.base_url,
            api_key=endpoint.api_key or "no-key",  # local servers ignore it; the SDK insists
            timeout=openai.Timeout(endpoint.timeout, connect=endpoint.connect_timeout),
            max_retries=0,
            http_client=http_client,
        )

    # -- protocol --------------------------------------------------------------------------

    async def list_models(self) -> list[ModelInfo]:
        try:
            page = await self._client.models.list()
        except Exception as error:
            if self.endpoint.models:
                return [self.model_info(model) for model in self.endpoint.models]
            raise self._error(error, None) from error
        return [self.model_info(model.id) for model in page.data]

    async def context_window_of(self, model: str) -> int | None:
        """The window the server reports for `model` (see windows.py), or None."""
        root = self.base_url.removesuffix("/v1")
        key = self.endpoint.api_key
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        timeout = self.endpoint.connect_timeout + 2
        async with httpx.AsyncClient(timeout=timeout, headers=headers) as http:
            with contextlib.suppress(httpx.HTTPError, ValueError):
                response = await http.get(f"{root}/props")
                if response.status_code == 200 and (found := window_from_props(response.json())):
                    return found
            with contextlib.suppress(httpx.HTTPError, ValueError):
                response = await http.get(f"{self.base_url}/models")
                if response.status_code == 200:
                    entries = response.json().get("data") or []
                    for entry in entries if isinstance(entries, list) else []:
                        if isinstance(entry, dict) and entry.get("id") == model:
                            return window_from_model_entry(entry)
        return None

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
        profile = self.profile(model)
        params: dict[str, Any] = {
            "model": model,
            "messages": [_wire_message(m, profile.system_role) for m in messages],
            "stream": True,
            profile.max_tokens_param: max_tokens,
        }
        if profile.temperature:
            params["temperature"] = temperature
        if profile.stream_usage:
            params["stream_options"] = {"include_usage": True}
        if tools:
            params["tools"] = [_wire_tool(tool) for tool in tools]
        try:
            stream = await self._client.chat.completions.create(**params)
        except Exception as error:
            raise self._error(error, model) from error
        finish: FinishReason | None = None
        usage: Usage | None = None
        chunks = 0
        try:
            async for chunk in until_cancelled(stream.__aiter__(), cancel):
                if chunk.usage is not None:
                    usage = Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
                for choice in chunk.choices:
                    delta = choice.delta
                    if delta.content:
                        chunks += 1
                        yield TextDelta(delta.content)
                    for call in delta.tool_calls or ():
                        fn = call.function
                        yield ToolCallDelta(
                            call.index, call.id, fn.name if fn else None,
                            (fn.arguments or "") if fn else "",
                        )
                    if choice.finish_reason:
                        finish = _FINISH.get(choice.finish_reason, "stop")
        except ProviderError:
            raise
        except Exception as error:
            raise self._error(error, model) from error
        finally:
            await stream.close()  # closes the HTTP response: the server stops generating
        if cancel is not None and cancel.is_set():
            finish = "cancelled"
        elif finish is None and chunks == 0:
            raise self._overflow_error()
        elif finish is None:
            raise self._interrupted_error()
        if usage is None:  # servers without include_usage: one streamed chunk ~ one token
            prompt = sum(estimate_tokens(m.content) for m in messages)
            usage = Usage(prompt, chunks, estimated=True)
        yield StreamEnd(finish, usage)

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
        return await collect_completion(self.stream_complete(
            model=model, prefix=prefix, suffix=suffix, max_tokens=max_tokens,
            temperature=temperature, stop=stop))

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
        """`/v1/completions`, streamed, with the profile's FIM prompt (see the protocol)."""
        profile = self.profile(model)
        prompt, needed = profile.completion_prompt(prefix, suffix)
        stops = merge_stops(stop, needed)
        limit = self._wire_stop_limit
        wire_stops = stops if limit is None else stops[:limit]
        params: dict[str, Any] = {
            "model": model, "prompt": prompt, "stream": True, "max_tokens": max_tokens,
        }
        if profile.temperature:
            params["temperature"] = temperature
        if wire_stops:
            params["stop"] = wire_stops
        if profile.stream_usage:
            params["stream_options"] = {"include_usage": True}
        try:
            stream = await unless_cancelled(self._client.completions.create(**params), cancel)
        except Exception as error:
            raise self._error(error, model) from error
        if stream is None:  # cancelled before the server answered: the request was dropped
            yield StreamEnd("cancelled", Usage(estimate_tokens(prompt), 0, estimated=True))
            return
        scanner = StopScanner(stops)
        finish: FinishReason | None = None
        usage: Usage | None = None
        chunks = 0
        try:
            async with contextlib.aclosing(until_cancelled(stream.__aiter__(), cancel)) as items:
                async for chunk in items:
                    if chunk.usage is not None:
                        usage = Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
                    for choice in chunk.choices[:1]:
                        if choice.text:
                            chunks += 1
                            text = scanner.feed(choice.text)
                            if text:
                                yield TextDelta(text)
                        if choice.finish_reason:
                            finish = _FINISH.get(choice.finish_reason, "stop")
                    if scanner.stopped:
                        break  # a stop string (one not sent, or split): the rest is dropped
        except ProviderError:
            raise
        except Exception as error:
            raise self._error(error, model) from error
        finally:
            await stream.close()  # closes the HTTP response: the server stops generating
        if usage is None:  # not reported (no include_usage, or cut short): one chunk ~ a token
            usage = Usage(estimate_tokens(prompt), chunks, estimated=True)
        if cancel is not None and cancel.is_set() and not scanner.stopped:
            yield StreamEnd("cancelled", usage)
            return
        if scanner.stopped:
            finish = "stop"
        elif finish is None and chunks == 0:
            raise self._overflow_error()
        elif finish is None:
            raise self._interrupted_error()
        if held := scanner.flush():
            yield TextDelta(held)
        yield StreamEnd(finish, usage)

    def _overflow_error(self) -> ProviderError:
        # What llama-cpp-python's server does when the prompt is over its window: the stream
        # starts, then ends with [DONE] and nothing else.
        return ProviderError(
            f"Provider '{self.name}' ended the answer before any text, without a finish "
            "reason: servers do this when the prompt does not fit their context window. "
            f"Set {self.endpoint.window_setting} to the server's real window (Pairpad then "
            "fits the context to it), shorten the message, or check the server's log.",
            "bad_request", self.endpoint.window_setting)

    def _interrupted_error(self) -> ProviderError:
        # e.g. llama.cpp's interrupt: [DONE] without a finish_reason
        return ProviderError(
            f"Provider '{self.name}' stopped in the middle of the answer (no finish "
            "reason): try again, and check the server's log if it happens again",
            "protocol", f"ai.providers.{self.name}")

    async def embed(self, texts: list[str], model: str) -> list[list[float]]:
        """`/v1/embeddings` (OpenAI, Ollama's /v1, llama.cpp's server with `--embedding true`).

        A llama-cpp-python server whose model has no pooling (a chat GGUF) answers one vector
        per *token*: they are mean-pooled here. Its batched per-token answers are wrong after
        the first text (llama-cpp-python 0.3 reads each later sequence at the wrong offset), so
        such a model is then asked one text per request."""
        if not texts:
            return []
        if model in self._per_token_models:
            return [(await self._embed_request([text], model))[0][0] for text in texts]
        vectors, per_token = await self._embed_request(texts, model)
        if per_token and len(texts) > 1:  # the first vector is right; ask again for the rest
            self._per_token_models.add(model)
            return [vectors[0], *await self.embed(texts[1:], model)]
        return vectors

    async def _embed_request(self, texts: list[str], model: str
                             ) -> tuple[list[list[float]], bool]:
        try:
            result = await self._client.embeddings.create(
                model=model, input=texts, encoding_format="float")
        except Exception as error:
            raise self._error(error, model) from error
        vectors: list[list[float]] = []
        per_token = False
        for row in sorted(result.data, key=lambda item: item.index):
            value: list[Any] = list(row.embedding)
            if value and isinstance(value[0], list):  # one vector per token: mean-pool
                per_token = True
                value = [sum(column) / len(value) for column in zip(*value, strict=True)]
            vectors.append([float(x) for x in value])
        return check_vectors(vectors, len(texts), self.name), per_token

    async def count_tokens(self, model: str, text: str) -> int:
        return estimate_tokens(text)

    async def health(self) -> Health:
        started = time.perf_counter()
        try:
            await self._client.models.list()
        except Exception as error:
            return Health(False, self._error(error, None).detail)
        return Health(True, "ok", (time.perf_counter() - started) * 1000)

    async def aclose(self) -> None:
        await self._client.close()

def _wire_message(message: ChatMessage, system_role: bool) -> dict[str, Any]:
    role = message.role if (system_role or message.role != "system") else "user"
    wire: dict[str, Any] = {"role": role, "content": message.content}
    if message.tool_call_id:
        wire["tool_call_id"] = message.tool_call_id
    if message.tool_calls:
        wire["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in message.tool_calls
        ]
    return wire


def _wire_tool(tool: ToolSpec) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": tool.name, "description": tool.description, "parameters": tool.parameters,
        },
    }
