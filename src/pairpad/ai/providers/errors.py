"""Every provider failure worded once: SDK exceptions -> `Failure` -> one `ProviderError`
saying what is wrong and which setting fixes it.

The adapters differ only in how their SDK reports a failure (`classify` knows the `openai` and
`anthropic` SDKs and `httpx`; Ollama's adapter builds `Failure`s from its responses); the
sentences, the error kinds and the settings they name are the same for all of them.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal, Protocol
from urllib.parse import urlsplit

import anthropic
import httpx
import openai

from pairpad.ai.providers.base import ErrorKind, ProviderError


class Endpoint(Protocol):
    """What the wording needs of an endpoint (`endpoint.ProviderEndpoint`, which imports this
    module): its name, where it is, whether it has a key, and the settings that fix each."""

    @property
    def name(self) -> str: ...
    @property
    def base_url(self) -> str: ...
    @property
    def api_key(self) -> str | None: ...
    @property
    def setting(self) -> str: ...
    @property
    def key_setting(self) -> str: ...
    @property
    def window_setting(self) -> str: ...

# How servers word "the prompt is over the context window" (llama.cpp, vLLM, OpenAI, LM Studio,
# Anthropic).
CONTEXT_OVERFLOW = re.compile(
    r"exceeds? (the )?(available )?context|context (window|length|size)|maximum context|"
    r"too many tokens|prompt is too long|exceed_context_size", re.IGNORECASE)

# Per provider kind: how to start a server on this machine, and how to get a missing model.
_START = {"ollama": "start Ollama (`ollama serve`)"}
_PULL = {"ollama": "run `ollama pull {model}` or "}

FailureKind = Literal["timeout", "unreachable", "status", "server", "unreadable"]


@dataclass(frozen=True)
class Failure:
    """What went wrong, whatever the SDK. `status`: an HTTP error answer; `server`: an error
    reported inside a successful answer (a stream's error event); `unreadable`: an answer
    Pairpad cannot parse (`message` says what)."""

    kind: FailureKind
    message: str = ""
    status: int | None = None


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


def body_message(body: object) -> str | None:
    """The server's own words from an error body: OpenAI's `{"error": {"message"}}`,
    Anthropic's `{"type": "error", "error": {"type", "message"}}` (as "type: message"),
    Ollama's `{"error": "..."}`, FastAPI-style `{"detail": "..."}`."""
    if not isinstance(body, dict):
        return None
    inner = body.get("error", body)
    if isinstance(inner, dict) and inner.get("message"):
        text = str(inner["message"])
        if body.get("type") == "error" and inner.get("type"):
            return f"{inner['type']}: {text}"
        return text
    if isinstance(inner, str) and inner:
        return inner
    detail = body.get("detail")
    return detail if isinstance(detail, str) else None


def classify(error: BaseException) -> Failure:
    """An `openai`/`anthropic` SDK or `httpx` exception as a `Failure`."""
    if isinstance(error, openai.APITimeoutError | anthropic.APITimeoutError
                  | httpx.TimeoutException):
        return Failure("timeout")
    if isinstance(error, openai.APIConnectionError | anthropic.APIConnectionError
                  | httpx.HTTPError):
        return Failure("unreachable")
    if isinstance(error, openai.APIStatusError | anthropic.APIStatusError):
        message = body_message(error.body) or str(error.message)
        # A stream's error event comes on a 200 answer: the server failed, not the request.
        if error.status_code < 400:
            return Failure("server", message)
        return Failure("status", message, error.status_code)
    if isinstance(error, openai.APIError) and not isinstance(
            error, openai.APIResponseValidationError):
        return Failure("server", body_message(error.body) or str(error.message))
    return Failure("unreadable", f"{type(error).__name__}: {str(error)[:200]}")


def provider_error(error: BaseException | Failure, endpoint: Endpoint, kind: str,
                   model: str | None) -> ProviderError:
    """One sentence saying what is wrong and which setting fixes it."""
    if isinstance(error, ProviderError):
        return error
    failure = error if isinstance(error, Failure) else classify(error)
    where = f"Provider '{endpoint.name}'"
    url = endpoint.base_url
    base_url_setting = f"{endpoint.setting}.base_url"
    message = failure.message[:500]
    if failure.kind == "timeout":
        setting = f"{endpoint.setting}.timeout"
        advice = "check that it is running, or raise" if is_loopback_url(url) else "raise"
        return ProviderError(f"{where} timed out at {url}: {advice} {setting}", "timeout",
                             setting)
    if failure.kind == "unreachable":
        advice = unreachable_advice(url, _START.get(kind, "start it"))
        return ProviderError(f"{where} unreachable at {url}: {advice} or set {base_url_setting}",
                             "unreachable", base_url_setting)
    if failure.kind == "unreadable":
        return ProviderError(f"{where} sent a response Pairpad could not read: {message}",
                             "protocol", base_url_setting)
    status = failure.status
    if status in (401, 403):
        what = "rejected the API key" if endpoint.api_key else "needs an API key"
        return ProviderError(f"{where} {what} (HTTP {status}): set {endpoint.key_setting}",
                             "auth", endpoint.key_setting)
    if status == 404:
        said = f": {message[:200]}" if message else ""
        if not model:
            return ProviderError(f"{where} has no such endpoint at {url} (HTTP 404{said}): fix "
                                 f"{base_url_setting}", "model_not_found", base_url_setting)
        pull = _PULL.get(kind, "").format(model=model)
        return ProviderError(
            f"{where} has no model '{model}' (HTTP 404{said}): {pull}pick one of its models in "
            f"ai.roles, or fix {base_url_setting}", "model_not_found", "ai.roles")
    client_error = status is not None and 400 <= status < 500 and status != 429
    if (client_error or status is None) and CONTEXT_OVERFLOW.search(message):
        return ProviderError(
            f"{where} refused the request because it does not fit the model's context "
            f"window ({message}). Set {endpoint.window_setting} to the server's real window "
            "(Pairpad then fits the context to it), or shorten the message.", "bad_request",
            endpoint.window_setting)
    error_kind: ErrorKind = "bad_request" if client_error else "unavailable"
    hint = "ai.roles" if "model" in message.lower() else endpoint.setting
    code = f" (HTTP {status})" if status is not None else ""
    return ProviderError(f"{where} error{code}: {message}", error_kind, hint)


def missing_key(endpoint: Endpoint) -> ProviderError:
    return ProviderError(f"Provider '{endpoint.name}' has no API key: set {endpoint.key_setting}",
                         "auth", endpoint.key_setting)
