"""Ollama's native API over httpx: `/api/chat` (NDJSON stream), `/api/generate` with `suffix`
for fill-in-the-middle, `/api/embed` for embeddings, `/api/tags` for the installed models."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import httpx

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
from pairpad.ai.providers.errors import Failure, body_message
from pairpad.ai.providers.windows import window_from_ollama_show

_FINISH: dict[str, FinishReason] = {"stop": "stop", "length": "length"}


class OllamaProvider(EndpointProvider):
    kind = "ollama"

    def __init__(
        self,
        endpoint: ProviderEndpoint,
        *,
        profiles: ModelProfiles | None = None,
        transport: httpx.AsyncBaseTransport | None = None,  # tests
    ) -> None:
        super().__init__(endpoint, profiles=profiles)
        self._num_ctx: dict[str, int] = {}  # per model, once known: sent with every request
        # Models Ollama refused a `suffix` for ("does not support insert"): FIM goes raw.
        self._no_insert: set[str] = set()
        # Ollama itself takes no key; one configured is sent for a proxy in front of it.
        headers = {"Authorization": f"Bearer {endpoint.api_key}"} if endpoint.api_key else {}
        self._http = httpx.AsyncClient(
            base_url=endpoint.base_url, headers=headers, transport=transport,
            timeout=httpx.Timeout(endpoint.timeout, connect=endpoint.connect_timeout),
        )

    async def list_models(self) -> list[ModelInfo]:
        body = await self._json("GET", "/api/tags", None, None)
        models = body.get("models")
        if not isinstance(models, list):
            raise self._protocol("/api/tags has no 'models' list")
        names = [str(m["name"]) for m in models if isinstance(m, dict) and "name" in m]
        return [self.model_info(n) for n in names]

    async def context_window_of(self, model: str) -> int | None:
        """`POST /api/show`: the Modelfile's num_ctx, else the trained length capped at what
        Pairpad asks Ollama to allocate. Sent as `num_ctx` from then on, so it is the truth."""
        if self.endpoint.context_window:
            return self.endpoint.context_window
        if model not in self._num_ctx:
            body = await self._json("POST", "/api/show", {"model": model}, model)
            found = window_from_ollama_show(body)
            if found is None:
                return None
            self._num_ctx[model] = found
        return self._num_ctx[model]

    def _options(self, model: str, **options: Any) -> dict[str, Any]:
        num_ctx = self.endpoint.context_window or self._num_ctx.get(model)
        return {**options, "num_ctx": num_ctx} if num_ctx else options

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
        payload: dict[str, Any] = {
            "model": model, "stream": True,
            "messages": [_wire_message(m) for m in messages],
            "options": self._options(model, num_predict=max_tokens, temperature=temperature),
        }
        if tools:
            payload["tools"] = [{"type": "function", "function": {
                "name": t.name, "description": t.description, "parameters": t.parameters,
            }} for t in tools]
        request = self._http.build_request("POST", "/api/chat", json=payload)
        try:
            response = await self._http.send(request, stream=True)
        except httpx.HTTPError as error:
            raise self._error(error, model) from error
        try:
            if response.status_code != 200:
                await response.aread()
                raise self._status_error(response, model)
            finish: FinishReason | None = None
            usage: Usage | None = None
            chunks = 0
            calls = 0
            async for line in until_cancelled(response.aiter_lines(), cancel):
                if not line.strip():
                    continue
                chunk = _parse_line(line, self)
                if "error" in chunk:
                    raise self._error(Failure("server", str(chunk["error"])), model)
                message = chunk.get("message") or {}
                text = message.get("content") or ""
                if text:
                    chunks += 1
                    yield TextDelta(text)
                for call in message.get("tool_calls") or ():
                    fn = call.get("function", {})
                    yield ToolCallDelta(calls, f"call_{calls}", fn.get("name"),
                                        json.dumps(fn.get("arguments", {})))
                    calls += 1
                if chunk.get("done"):
                    finish = "tool_calls" if calls else _FINISH.get(chunk.get("done_reason", ""),
                                                                     "stop")
                    usage = Usage(int(chunk.get("prompt_eval_count", 0)),
                                  int(chunk.get("eval_count", chunks)))
                    break
        except httpx.HTTPError as error:
            raise self._error(error, model) from error
        finally:
            await response.aclose()  # Ollama stops generating when the client goes away
        if cancel is not None and cancel.is_set():
            yield StreamEnd("cancelled", Usage(0, chunks, estimated=True))
            return
        if finish is None:
            raise self._protocol("the stream ended without a final 'done' object")
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
        """`/api/generate`, streamed (NDJSON). Ollama's own fill-in-the-middle (the prefix in
        `prompt`, the suffix in `suffix`, Ollama's template renders them) only for a non-empty
        suffix and a model whose profile has a FIM template; every other request is `raw: true`
        with our prompt (`completion_prompt`: the FIM template rendered by us, else the prefix).
        Without `raw`, Ollama takes a request with no or an empty suffix through the template's
        chat branch (templates test `if .Suffix`), so an instruct model answers the code instead
        of continuing it. A model whose template has no `.Suffix` is refused by Ollama ("does
        not support insert"): asked again the raw way once, and raw from then on."""
        profile = self.profile(model)
        prompt, template_stops = profile.completion_prompt(prefix, suffix)
        native = bool(suffix) and profile.fim is not None and model not in self._no_insert
        # The template's stops too: `options.stop` replaces the Modelfile's stop list.
        stops = merge_stops(stop, template_stops)
        options = self._options(model, num_predict=max_tokens, temperature=temperature)
        if stops:
            options["stop"] = stops
        payload: dict[str, Any] = {"model": model, "stream": True, "options": options}
        if native:
            payload |= {"prompt": prefix, "suffix": suffix}
        else:
            payload |= {"prompt": prompt, "raw": True}
        response = await self._open_generate(payload, model, cancel)
        if response is not None and native and response.status_code == 400:
            try:
                await response.aread()
            except httpx.HTTPError as error:
                await response.aclose()
                raise self._error(error, model) from error
            if _refuses_insert(response):
                await response.aclose()
                self._no_insert.add(model)
                payload.pop("suffix")
                payload |= {"prompt": prompt, "raw": True}
                response = await self._open_generate(payload, model, cancel)
        if response is None:  # cancelled before Ollama answered: the request was dropped
            yield StreamEnd("cancelled", Usage(estimate_tokens(prefix), 0, estimated=True))
            return
        scanner = StopScanner(stops)
        finish: FinishReason | None = None
        usage: Usage | None = None
        chunks = 0
        try:
            if response.status_code != 200:
                await response.aread()
                raise self._status_error(response, model)
            async with contextlib.aclosing(
                    until_cancelled(response.aiter_lines(), cancel)) as lines:
                async for line in lines:
                    if not line.strip():
                        continue
                    chunk = _parse_line(line, self)
                    if "error" in chunk:
                        raise self._error(Failure("server", str(chunk["error"])), model)
                    piece = chunk.get("response") or ""
                    if piece:
                        chunks += 1
                        text = scanner.feed(str(piece))
                        if text:
                            yield TextDelta(text)
                        if scanner.stopped:
                            break  # the rest is dropped (and Ollama stops: see below)
                    if chunk.get("done"):
                        finish = _FINISH.get(chunk.get("done_reason", ""), "stop")
                        usage = Usage(int(chunk.get("prompt_eval_count", 0)),
                                      int(chunk.get("eval_count", chunks)))
                        break
        except httpx.HTTPError as error:
            raise self._error(error, model) from error
        finally:
            await response.aclose()  # Ollama stops generating when the client goes away
        if usage is None:
            usage = Usage(estimate_tokens(prefix), chunks, estimated=True)
        if cancel is not None and cancel.is_set() and not scanner.stopped:
            yield StreamEnd("cancelled", usage)
            return
        if scanner.stopped:
            finish = "stop"
        elif finish is None:
            raise self._protocol("the stream ended without a final 'done' object")
        if held := scanner.flush():
            yield TextDelta(held)
        yield StreamEnd(finish, usage)

    async def _open_generate(self, payload: dict[str, Any], model: str,
                             cancel: asyncio.Event | None) -> httpx.Response | None:
        """Sends `/api/generate` and returns the streamed response (headers read), or None when
        `cancel` was set first (the request is dropped)."""
        request = self._http.build_request("POST", "/api/generate", json=payload)
        try:
            return await unless_cancelled(self._http.send(request, stream=True), cancel)
        except httpx.HTTPError as error:
            raise self._error(error, model) from error

    async def embed(self, texts: list[str], model: str) -> list[list[float]]:
        """`POST /api/embed` with a list `input`; Ollama truncates each to the model's context."""
        if not texts:
            return []
        body = await self._json("POST", "/api/embed",
                                {"model": model, "input": texts, "truncate": True}, model)
        vectors = body.get("embeddings")
        if not isinstance(vectors, list) or not all(isinstance(v, list) for v in vectors):
            raise self._protocol("/api/embed answered without an 'embeddings' list")
        try:
            floats = [[float(x) for x in vector] for vector in vectors]
        except (TypeError, ValueError) as error:
            raise self._protocol("/api/embed sent a vector that is not numbers") from error
        return check_vectors(floats, len(texts), self.name)

    async def count_tokens(self, model: str, text: str) -> int:
        return estimate_tokens(text)

    async def health(self) -> Health:
        started = time.perf_counter()
        try:
            await self._json("GET", "/api/version", None, None)
        except ProviderError as error:
            return Health(False, error.detail)
        return Health(True, "ok", (time.perf_counter() - started) * 1000)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _json(
        self, method: str, path: str, payload: dict[str, Any] | None, model: str | None
    ) -> dict[str, Any]:
        try:
            response = await self._http.request(method, path, json=payload)
        except httpx.HTTPError as error:
            raise self._error(error, model) from error
        if response.status_code != 200:
            raise self._status_error(response, model)
        try:
            body = response.json()
        except ValueError as error:
            raise self._protocol(f"{path} did not answer JSON") from error
        if not isinstance(body, dict):
            raise self._protocol(f"{path} did not answer a JSON object")
        return body

    def _status_error(self, response: httpx.Response, model: str | None) -> ProviderError:
        try:
            message = body_message(response.json()) or response.text
        except ValueError:
            message = response.text
        return self._error(Failure("status", message, response.status_code), model)

    def _protocol(self, what: str) -> ProviderError:
        return self._error(Failure("unreadable", what), None)


def _parse_line(line: str, provider: OllamaProvider) -> dict[str, Any]:
    try:
        chunk = json.loads(line)
    except ValueError as error:
        raise provider._protocol(f"malformed stream line {line[:80]!r}") from error
    if not isinstance(chunk, dict):
        raise provider._protocol(f"stream line is not an object: {line[:80]!r}")
    return chunk


def _refuses_insert(response: httpx.Response) -> bool:
    """Ollama's 400 for a `suffix` the model's template cannot place (ollama/ollama#5207)."""
    try:
        message = body_message(response.json()) or response.text
    except ValueError:
        message = response.text
    return "does not support insert" in message.lower()


def _wire_message(message: ChatMessage) -> dict[str, Any]:
    wire: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.tool_calls:
        wire["tool_calls"] = [
            {"function": {"name": c.name, "arguments": json.loads(c.arguments or "{}")}}
            for c in message.tool_calls
        ]
    return wire
