"""Inline completion: the `autocomplete` role asked for the text at the cursor.

One request: refuse a secret file, consult the cache (exact prefix, or typed through an
earlier completion), else gather context snippets, build the model's prompt, stream the
completion from the provider (cancellable), clean it up, remember it, answer.

Latency rules (issue 11):
- at most one generation in flight per editor (`context.editor_id`): a new request sets the
  previous one's cancel event; that one answers with no items (not an error);
- `ai.autocomplete.timeout` per request: the provider is told to stop (the cancel event
  closes its HTTP stream) and the answer is a 504 naming the setting;
- the caller's cancel event (the HTTP client went away, `complete:cancel`) stops the
  provider the same way;
- the embedded model is never started by a completion (a start takes seconds, far over the
  timeout, and cancelling it would kill it): a completion while it is not ready starts it in
  the background and answers 503 "starting"; `warm()` waits for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import posixpath
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog

from pairpad.ai.completion.cache import CompletionCache
from pairpad.ai.completion.cleanup import clean_completion
from pairpad.ai.completion.context import Definitions, gather_snippets
from pairpad.ai.completion.models import (
    CompleteRequest,
    CompleteResponse,
    CompletionItem,
    CompletionRange,
    CompletionWarm,
)
from pairpad.ai.completion.prompt import CompletionPrompt, PromptInput, Snippet, build_prompt
from pairpad.ai.completion.stats import CompletionEvent, CompletionStats
from pairpad.ai.provider_config import AutocompleteSettings, RoleName
from pairpad.ai.providers.base import Provider, ProviderError, StreamEnd, TextDelta
from pairpad.ai.providers.registry import ProviderRegistry
from pairpad.ai.roles import ModelRef
from pairpad.ai.sources.gate import SecretCheck
from pairpad.errors import BadRequest, Forbidden, PairpadError, Unavailable, UpstreamTimeout

log = structlog.get_logger("pairpad.ai.completion")

ROLE: RoleName = "autocomplete"
# After the timeout has asked the provider to stop, how long it may take to do so before
# the request is abandoned anyway (a provider stuck outside its cancellable read).
STOP_GRACE = 0.5
WARM_TIMEOUT = 120.0  # seconds a warm-up may take once the model is loaded
WARM_PREFIX = "def main():\n    "


class BadGateway(PairpadError):
    """The provider answered, but with a refusal or something unusable."""

    status_code = 502


def new_id() -> str:
    return uuid.uuid4().hex


def provider_failure(error: ProviderError) -> PairpadError:
    """The provider's own words (they name the setting to fix), with an HTTP status:
    unreachable/unavailable 503, timeout 504, any other refusal 502."""
    extra = {"setting": error.setting} if error.setting else {}
    if error.kind in ("unreachable", "unavailable"):
        return Unavailable(error.detail, **extra)
    if error.kind == "timeout":
        return UpstreamTimeout(error.detail, **extra)
    return BadGateway(error.detail, **extra)


def normal_path(path: str) -> str:
    rel = posixpath.normpath(path.strip().replace("\\", "/").strip("/"))
    return "" if rel == "." else rel


@dataclass
class Generated:
    text: str  # the cleaned completion ("" when nothing worth showing)
    cancelled: bool  # superseded or cancelled by the caller: answer without items


class CompletionService:
    def __init__(self, registry: ProviderRegistry, settings: AutocompleteSettings,
                 stats: CompletionStats, *, secrets: SecretCheck,
                 codebase: Definitions | None = None) -> None:
        self.registry = registry
        self.settings = settings
        self.stats = stats
        self.secrets = secrets
        self.codebase = codebase  # set by the composition root (the codebase index)
        self.cache = CompletionCache(settings.cache_size)
        self.inflight: dict[str, asyncio.Event] = {}  # editor id → its generation's cancel
        self._warming: dict[str, asyncio.Task[CompletionWarm]] = {}
        self._file_warms: dict[str, asyncio.Event] = {}  # editor id → its file warm's cancel

    # -- one completion ------------------------------------------------------------------

    async def complete(self, request: CompleteRequest, cancel: asyncio.Event | None = None,
                       *, started: float | None = None) -> CompleteResponse:
        """`cancel`: set by the caller to stop (the answer then has no items). `started`:
        `time.perf_counter()` when the request arrived (default: now)."""
        started = time.perf_counter() if started is None else started
        path = self._target(request)
        provider, ref = self._resolve()
        model = str(ref)
        cancel = cancel or asyncio.Event()
        editor = request.context.editor_id
        if editor:
            warming = self._file_warms.get(editor)
            if warming is not None:
                warming.set()  # the completion takes priority over this editor's warm-up
            previous = self.inflight.get(editor)
            if previous is not None:
                previous.set()  # typed past it: its answer would be stale
            self.inflight[editor] = cancel
        try:
            hit = self.cache.get(model, path, request.prefix)
            if hit is not None:
                return self._answer(request, model, hit.text, cached=True, started=started)
            self._check_local_ready(ref)
            generated = await self._generate(provider, ref, request, path, cancel)
        finally:
            if editor and self.inflight.get(editor) is cancel:
                del self.inflight[editor]
        if generated.cancelled:
            return CompleteResponse(id=new_id(), items=[], model=model, cached=False,
                                    latency_ms=_since(started))
        self.cache.put(model, path, request.prefix, generated.text)
        return self._answer(request, model, generated.text, cached=False, started=started)

    def cancel_editor(self, editor_id: str) -> bool:
        event = self.inflight.get(editor_id)
        if event is None:
            return False
        event.set()
        return True

    def _resolve(self) -> tuple[Provider, ModelRef]:
        try:
            return self.registry.resolve(ROLE)
        except ProviderError as error:
            extra = {"setting": error.setting} if error.setting else {}
            raise Unavailable(error.detail, **extra) from error

    def _is_local(self, ref: ModelRef) -> bool:
        spec = self.registry.specs.get(ref.provider)
        return spec is not None and spec.config.kind == "local"

    def _check_local_ready(self, ref: ModelRef) -> None:
        """The embedded model answers only once loaded; a completion never waits for that."""
        if not self._is_local(ref):
            return
        server = self.registry.local_server
        state = server.state
        if state == "ready":
            return
        if state == "failed":
            raise Unavailable(server.failure_detail() or "The embedded model failed to start",
                              setting="ai.local")
        try:
            server.preflight()
        except ProviderError as error:
            raise provider_failure(error) from error
        server.preload()  # in the background; a crashed one restarts once its delay passed
        if state == "crashed":
            raise Unavailable(server.failure_detail(), setting="ai.local")
        raise Unavailable("The embedded model is starting (loading into memory): completions "
                          "begin when it is ready (POST /api/complete/warm waits for it)",
                          setting="ai.local", state="starting")

    def _target(self, request: CompleteRequest) -> str:
        """The request's normalised path; 400 outside the workspace, 403 a secret file."""
        path = normal_path(request.path)
        if not path or path.startswith("../"):
            raise BadRequest(f"path {request.path!r}: a path inside the workspace")
        if self.secrets.is_secret_target(path):
            raise Forbidden(f"{path} is a secret file (credentials or keys): its text is never "
                            "sent to a model, so it gets no completions")
        return path

    async def _prepare(self, request: CompleteRequest, path: str,
                       ref: ModelRef) -> CompletionPrompt:
        """The model's prompt for `request`: context snippets, `build_prompt`, the profile's
        rendering. A completion and a file warm-up both use it, so their prompts are equal
        (llama.cpp then reuses the warm-up's evaluation for the completion)."""
        settings = self.settings
        snippets = await self._snippets(request, path)
        return build_prompt(
            PromptInput(path, request.language, request.prefix, request.suffix),
            self.registry.profile_for(ref), snippets, budget_tokens=settings.context_tokens,
            max_tokens_line=settings.max_tokens_line, max_tokens_block=settings.max_tokens_block)

    async def _generate(self, provider: Provider, ref: ModelRef, request: CompleteRequest,
                        path: str, cancel: asyncio.Event) -> Generated:
        settings = self.settings
        prompt = await self._prepare(request, path, ref)
        if cancel.is_set():
            return Generated("", True)
        raw, finished, timed_out = await self._stream(provider, ref, prompt, cancel)
        if not finished:
            if timed_out:
                raise UpstreamTimeout(
                    f"The completion model ({ref}) did not answer within "
                    f"{settings.timeout:g}s (ai.autocomplete.timeout): it was stopped. Raise "
                    "ai.autocomplete.timeout, or choose a faster model for ai.roles.autocomplete",
                    setting="ai.autocomplete.timeout")
            return Generated("", True)
        text = clean_completion(raw, request.prefix, request.suffix, multiline=prompt.multiline)
        return Generated(text, False)

    async def _snippets(self, request: CompleteRequest, path: str) -> list[Snippet]:
        if self.codebase is None:
            return []
        try:
            return await gather_snippets(
                self.codebase, path, request.prefix, request.suffix,
                request.context.recent_edits, budget_tokens=self.settings.context_tokens,
                is_secret=self.secrets.is_secret_target)
        except Exception:  # context is a bonus: a completion without it beats none
            log.exception("completion context not gathered", path=path)
            return []

    async def _stream(self, provider: Provider, ref: ModelRef, prompt: CompletionPrompt,
                      cancel: asyncio.Event) -> tuple[str, bool, bool]:
        """(raw text, finished, timed out). Finished: the stream ended by itself (or a
        single-line answer had its line); not finished: cancelled or timed out."""
        parts: list[str] = []
        finished = False
        timed_out = False

        def expire() -> None:
            nonlocal timed_out
            timed_out = True
            cancel.set()

        timer = asyncio.get_running_loop().call_later(self.settings.timeout, expire)
        try:
            async with self.registry.using(provider), asyncio.timeout(
                    self.settings.timeout + STOP_GRACE):
                stream = provider.stream_complete(
                    model=ref.model, prefix=prompt.prefix, suffix=prompt.suffix,
                    max_tokens=prompt.max_tokens, temperature=0.0, stop=prompt.stop or None,
                    cancel=cancel)
                try:
                    async for event in stream:
                        if isinstance(event, TextDelta):
                            parts.append(event.text)
                            if not prompt.multiline and _has_full_line(parts):
                                finished = True  # the line is complete: stop generating
                                break
                        elif isinstance(event, StreamEnd):
                            finished = event.finish_reason != "cancelled"
                finally:
                    await _close(stream)  # closes the HTTP stream: the server stops
        except TimeoutError:
            timed_out, finished = True, False
        except ProviderError as error:
            if cancel.is_set() and not timed_out:
                return "", False, False  # failed while being cancelled: cancelled
            raise provider_failure(error) from error
        finally:
            timer.cancel()
        return "".join(parts), finished, timed_out and not finished

    def _answer(self, request: CompleteRequest, model: str, text: str, *, cached: bool,
                started: float) -> CompleteResponse:
        line, column = request.cursor.line, request.cursor.column
        at_cursor = CompletionRange(start_line=line, start_column=column, end_line=line,
                                    end_column=column)
        items = [CompletionItem(text=text, range=at_cursor)] if text else []
        response = CompleteResponse(id=new_id(), items=items, model=model, cached=cached,
                                    latency_ms=_since(started))
        self.stats.record(CompletionEvent(
            response.id, datetime.now(UTC), model, request.language, response.latency_ms,
            cached, len(text)))
        return response

    # -- warm-up -------------------------------------------------------------------------

    async def warm(self, request: CompleteRequest | None = None) -> CompletionWarm:
        """Load the autocomplete model (the embedded one: start its server) and run a 1-token
        completion, so the first real one is fast. Concurrent calls share one warm-up.

        With a `request` (a file at the cursor): the 1-token completion has exactly the prompt
        `complete(request)` would send, so the model server's prompt cache (llama.cpp's KV
        cache) holds it and the file's first completion evaluates only what changed since. A
        newer warm-up of the same editor, or a completion of it, cancels this one (its answer
        then says "cancelled"). A warm-up is never a completion event in the stats."""
        if request is not None:
            return await self._warm_file(request)
        provider, ref = self._resolve()
        key = str(ref)
        task = self._warming.get(key)
        if task is None or task.done():
            task = asyncio.create_task(self._warm(provider, ref))
            self._warming[key] = task
        return await asyncio.shield(task)

    async def _warm(self, provider: Provider, ref: ModelRef) -> CompletionWarm:
        started = time.perf_counter()
        profile = self.registry.profile_for(ref)
        try:
            if self._is_local(ref):
                await self.registry.local_server.ensure_running()
            await self._one_token(provider, ref, WARM_PREFIX,
                                  "" if profile.fim is not None else None, None, None)
        except TimeoutError as error:
            raise UpstreamTimeout(f"The completion model ({ref}) did not answer a warm-up "
                                  f"within {WARM_TIMEOUT:g}s", setting="ai.roles.autocomplete"
                                  ) from error
        except ProviderError as error:
            raise provider_failure(error) from error
        return CompletionWarm(model=str(ref), state="ready", latency_ms=_since(started))

    async def _warm_file(self, request: CompleteRequest) -> CompletionWarm:
        started = time.perf_counter()
        path = self._target(request)
        provider, ref = self._resolve()
        cancel = asyncio.Event()
        editor = request.context.editor_id
        if editor:
            previous = self._file_warms.get(editor)
            if previous is not None:
                previous.set()  # superseded: the user moved to another file or position
            self._file_warms[editor] = cancel
        try:
            if self._is_local(ref):
                await self.registry.local_server.ensure_running()
            prompt = await self._prepare(request, path, ref)
            if not cancel.is_set():
                await self._one_token(provider, ref, prompt.prefix, prompt.suffix,
                                      prompt.stop or None, cancel)
        except TimeoutError as error:
            raise UpstreamTimeout(f"The completion model ({ref}) did not answer a warm-up "
                                  f"within {WARM_TIMEOUT:g}s", setting="ai.roles.autocomplete"
                                  ) from error
        except ProviderError as error:
            if not cancel.is_set():
                raise provider_failure(error) from error
        finally:
            if editor and self._file_warms.get(editor) is cancel:
                del self._file_warms[editor]
        return CompletionWarm(model=str(ref), state="cancelled" if cancel.is_set() else "ready",
                              latency_ms=_since(started))

    async def _one_token(self, provider: Provider, ref: ModelRef, prefix: str,
                         suffix: str | None, stop: list[str] | None,
                         cancel: asyncio.Event | None) -> None:
        """A 1-token completion (a warm-up: the model loaded, the prompt in its cache)."""
        async with self.registry.using(provider), asyncio.timeout(WARM_TIMEOUT):
            stream = provider.stream_complete(
                model=ref.model, prefix=prefix, suffix=suffix, max_tokens=1, temperature=0.0,
                stop=stop, cancel=cancel)
            try:
                async for _event in stream:
                    pass
            finally:
                await _close(stream)

    async def start(self) -> None:
        """A Component (services.py): nothing to start; `stop()` flushes the stats."""

    async def stop(self) -> None:
        for event in [*self.inflight.values(), *self._file_warms.values()]:
            event.set()
        for task in self._warming.values():
            task.cancel()
        for task in self._warming.values():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.stats.stop()


def _has_full_line(parts: list[str]) -> bool:
    """A non-blank line followed by a newline: a single-line completion has all it needs."""
    text = "".join(parts)
    end = text.rfind("\n")
    return end > 0 and bool(text[:end].strip())


async def _close(stream: AsyncIterator[object]) -> None:
    close = getattr(stream, "aclose", None)
    if close is not None:
        await close()


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
