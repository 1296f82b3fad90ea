"""Any OpenAI-compatible endpoint (OpenAI, Ollama's /v1, LM Studio, vLLM, llama.cpp) via the
official `openai` SDK. The embedded `local` provider talks to its llama.cpp server through this."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import re
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import openai
from openai import AsyncOpenAI

from pairpad.ai.providers.base import (
    ChatEvent,
    ChatMessage,
    Completion,
    ErrorKind,
    FinishReason,
    Health,
    ModelInfo,
    ProviderError,
    StreamEnd,
    TextDelta,
    ToolCallDelta,
    ToolSpec,
    Usage,
    check_vectors,
    estimate_tokens,
    until_cancelled,
)
from pairpad.ai.providers.quirks import quirks_for
from pairpad.ai.providers.windows import window_from_model_entry, window_from_props

# How servers word "the prompt is over the context window" (llama.cpp, vLLM, OpenAI, LM Studio).
CONTEXT_OVERFLOW = re.compile(
    r"exceeds? (the )?(available )?context|context (window|length|size)|maximum context|"
    r"too many tokens|prompt is too long|exceed_context_size", re.IGNORECASE)

_FINISH: dict[str, FinishReason] = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
    "content_filter": "content_filter",
}


class OpenAICompatProvider:
    kind = "openai_compat"

    def __init__(
        self,
        name: str,
        *,
        base_url: str,
        api_key: str | None,
        timeout: float = 120.0,
        connect_timeout: float = 5.0,
        context_window: int | None = None,
        static_models: list[str] | None = None,
        key_setting: str | None = None,
        window_setting: str | None = None,
        http_client: Any = None,  # an httpx2.AsyncClient (the SDK's HTTP library); tests
    ) -> None:
        self.name = name
        self.base_url = base_url
        self._context_window = context_window
        self._static_models = static_models or []
        self._key_setting = key_setting or f"ai.providers.{name}.api_key"
        self._window_setting = window_setting or f"ai.providers.{name}.context_window"
        self._per_token_models: set[str] = set()  # see embed()
        self._api_key = api_key
        self._timeout = connect_timeout
        # max_retries=0: a down server must fail fast and visibly, not after silent retries.
        self._client = AsyncOpenAI(
            base_url=base_url,
            api_key=api_key or "no-key",  # local servers ignore it; the SDK insists on one
            timeout=openai.Timeout(timeout, connect=connect_timeout),
            max_retries=0,
            http_client=http_client,
        )

    # -- protocol --------------------------------------------------------------------------

    async def list_models(self) -> list[ModelInfo]:
        try:
            page = await self._client.models.list()
        except Exception as error:
            if self._static_models:
                return [self._info(model) for model in self._static_models]
            raise self._error(error, None) from error
        return [self._info(model.id) for model in page.data]

    async def context_window_of(self, model: str) -> int | None:
        """The window the server reports for `model` (see windows.py), or None."""
        root = self.base_url.removesuffix("/v1")
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        async with httpx.AsyncClient(timeout=self._timeout + 2, headers=headers) as http:
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
        quirks = quirks_for(model)
        params: dict[str, Any] = {
            "model": model,
            "messages": [_wire_message(m, quirks.system_role) for m in messages],
            "stream": True,
            quirks.max_tokens_param: max_tokens,
        }
        if quirks.temperature:
            params["temperature"] = temperature
        if quirks.stream_usage:
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
            # What llama-cpp-python's server does when the prompt is over its window: the
            # stream starts, then ends with [DONE] and nothing else.
            raise ProviderError(
                f"Provider '{self.name}' ended the answer before any text, without a finish "
                "reason: servers do this when the prompt does not fit their context window. "
                f"Set {self._window_setting} to the server's real window (Pairpad then fits "
                "the context to it), shorten the message, or check the server's log.",
                "bad_request", self._window_setting)
        elif finish is None:  # e.g. llama.cpp's interrupt: [DONE] without a finish_reason
            raise ProviderError(
                f"Provider '{self.name}' stopped in the middle of the answer (no finish "
                "reason): try again, and check the server's log if it happens again",
                "protocol", f"ai.providers.{self.name}")
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
        fim = quirks_for(model).fim
        stops = list(stop or [])
        if suffix is not None and fim is not None:
            prompt = fim.render(prefix, suffix)
            stops += list(fim.stop)
        else:
            prompt = prefix  # prefix-only: the model has no FIM tokens
        try:
            result = await self._client.completions.create(
                model=model, prompt=prompt, max_tokens=max_tokens, temperature=temperature,
                stop=stops or None,
            )
        except Exception as error:
            raise self._error(error, model) from error
        choice = result.choices[0]
        usage = (
            Usage(result.usage.prompt_tokens, result.usage.completion_tokens)
            if result.usage else None
        )
        return Completion(choice.text, _FINISH.get(choice.finish_reason or "stop", "stop"), usage)

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

    # -- helpers ---------------------------------------------------------------------------

    def _info(self, model: str) -> ModelInfo:
        quirks = quirks_for(model)
        window = self._context_window or quirks.context_window
        return ModelInfo(model, window, quirks.fim is not None)

    def _error(self, error: BaseException, model: str | None) -> ProviderError:
        return map_openai_error(error, self.name, self.base_url, model, self._key_setting,
                                self._window_setting)


def is_loopback_url(base_url: str) -> bool:
    """Whether the URL names this machine (a server the user can start), not a remote host."""
    host = (urlsplit(base_url).hostname or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def unreachable_advice(base_url: str, start: str = "start it") -> str:
    """"start it" only helps for a server on this machine; a remote one needs the network/URL."""
    return start if is_loopback_url(base_url) else "check the network and the URL"


def map_openai_error(
    error: BaseException, name: str, base_url: str, model: str | None, key_setting: str,
    window_setting: str | None = None,
) -> ProviderError:
    """SDK exceptions -> one sentence saying what is wrong and which setting fixes it."""
    where = f"Provider '{name}'"
    if isinstance(error, ProviderError):
        return error
    if isinstance(error, openai.APITimeoutError):
        return ProviderError(
            f"{where} timed out at {base_url}: check that it is running, or raise "
            f"ai.providers.{name}.timeout", "timeout", f"ai.providers.{name}.timeout",
        )
    if isinstance(error, openai.APIConnectionError):
        return ProviderError(
            f"{where} unreachable at {base_url}: {unreachable_advice(base_url)} or set "
            f"ai.providers.{name}.base_url", "unreachable", f"ai.providers.{name}.base_url",
        )
    if isinstance(error, openai.AuthenticationError | openai.PermissionDeniedError):
        return ProviderError(
            f"{where} rejected the API key (HTTP {error.status_code}): set {key_setting}",
            "auth", key_setting,
        )
    if isinstance(error, openai.NotFoundError):
        what = f"model '{model}'" if model else "the endpoint"
        return ProviderError(
            f"{where} has no {what} (HTTP 404): pick one of its models in ai.roles, or fix "
            f"ai.providers.{name}.base_url", "model_not_found", "ai.roles",
        )
    if isinstance(error, openai.APIStatusError):
        message = _status_message(error)
        if 400 <= error.status_code < 500 and CONTEXT_OVERFLOW.search(message):
            setting = window_setting or f"ai.providers.{name}.context_window"
            return ProviderError(
                f"{where} refused the request because it does not fit the model's context "
                f"window ({message}). Set {setting} to the server's real window (Pairpad then "
                "fits the context to it), or shorten the message.", "bad_request", setting)
        kind: ErrorKind = "bad_request" if 400 <= error.status_code < 500 else "unavailable"
        hint = "ai.roles" if "model" in message.lower() else f"ai.providers.{name}"
        return ProviderError(
            f"{where} error (HTTP {error.status_code}): {message}", kind, hint,
        )
    return ProviderError(
        f"{where} sent a response Pairpad could not read ({type(error).__name__}: {error})",
        "protocol", f"ai.providers.{name}.base_url",
    )


def _status_message(error: openai.APIStatusError) -> str:
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])[:500]
        if isinstance(body.get("detail"), str):
            return str(body["detail"])[:500]
    return str(error.message)[:500]


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
