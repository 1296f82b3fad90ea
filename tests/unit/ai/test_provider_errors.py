"""One error wording for every adapter: SDK exceptions -> `Failure` -> `ProviderError`."""

from __future__ import annotations

import anthropic
import httpx
import httpx2
import openai
import pytest

from pairpad.ai.providers.endpoint import ProviderEndpoint
from pairpad.ai.providers.errors import Failure, body_message, classify, provider_error

LOCAL = ProviderEndpoint("lab", "http://127.0.0.1:8080/v1", api_key="k")
REMOTE = ProviderEndpoint("cloud", "https://llm.example.com/v1", api_key="k")
REQUEST = httpx2.Request("POST", "https://llm.example.com/v1/chat/completions")


def status(code: int, body: object) -> httpx2.Response:
    return httpx2.Response(code, json=body, request=REQUEST)


def test_endpoint_names_its_settings() -> None:
    assert LOCAL.key_setting == "ai.providers.lab.api_key"
    assert LOCAL.window_setting == "ai.providers.lab.context_window"
    own = ProviderEndpoint("local", "http://127.0.0.1:1/v1", window_setting="ai.local.n_ctx",
                           key_setting="ai.providers.local.api_key or the env var X")
    assert own.window_setting == "ai.local.n_ctx" and own.key_setting.endswith("env var X")
    secret = ProviderEndpoint("lab", "http://127.0.0.1:8080/v1", api_key="sk-secret-123")
    assert "sk-secret-123" not in repr(secret)  # the key is never in a repr or a log line


@pytest.mark.parametrize(("error", "kind"), [
    (openai.APITimeoutError(REQUEST), "timeout"),
    (anthropic.APITimeoutError(REQUEST), "timeout"),
    (httpx.ReadTimeout("slow"), "timeout"),
    (openai.APIConnectionError(request=REQUEST), "unreachable"),
    (anthropic.APIConnectionError(request=REQUEST), "unreachable"),
    (httpx.ConnectError("refused"), "unreachable"),
    (openai.InternalServerError("boom", response=status(500, {}), body={}), "status"),
    (openai.APIError("mid-stream", REQUEST, body={"message": "slot gone"}), "server"),
    (ValueError("not json"), "unreadable"),
])
def test_each_sdk_exception_is_classified(error: BaseException, kind: str) -> None:
    assert classify(error).kind == kind


def test_unreachable_advice_depends_on_where_the_server_is() -> None:
    local = provider_error(Failure("unreachable"), LOCAL, "openai_compat", None)
    assert local.kind == "unreachable" and local.setting == "ai.providers.lab.base_url"
    assert local.detail == ("Provider 'lab' unreachable at http://127.0.0.1:8080/v1: start it "
                            "or set ai.providers.lab.base_url")
    remote = provider_error(Failure("unreachable"), REMOTE, "anthropic", None)
    assert "check the network and the URL or set ai.providers.cloud.base_url" in remote.detail
    ollama = provider_error(Failure("unreachable"), LOCAL, "ollama", None)
    assert "start Ollama (`ollama serve`) or set ai.providers.lab.base_url" in ollama.detail


def test_timeout_names_the_timeout_setting() -> None:
    local = provider_error(Failure("timeout"), LOCAL, "ollama", "m")
    assert local.kind == "timeout" and local.setting == "ai.providers.lab.timeout"
    assert "check that it is running, or raise ai.providers.lab.timeout" in local.detail
    remote = provider_error(Failure("timeout"), REMOTE, "openai_compat", "m")
    assert remote.detail.endswith("timed out at https://llm.example.com/v1: raise "
                                  "ai.providers.cloud.timeout")


def test_auth_says_whether_a_key_was_sent() -> None:
    rejected = provider_error(Failure("status", "bad key", 401), REMOTE, "openai_compat", "m")
    assert rejected.kind == "auth" and rejected.setting == "ai.providers.cloud.api_key"
    assert "rejected the API key (HTTP 401): set ai.providers.cloud.api_key" in rejected.detail
    keyless = ProviderEndpoint("proxy", "https://ollama.example.com")
    needed = provider_error(Failure("status", "", 403), keyless, "ollama", "m")
    assert "needs an API key (HTTP 403): set ai.providers.proxy.api_key" in needed.detail


def test_not_found_names_the_model_or_the_endpoint() -> None:
    model = provider_error(Failure("status", "no such model", 404), LOCAL, "openai_compat",
                           "gpt-9")
    assert model.kind == "model_not_found" and model.setting == "ai.roles"
    assert "has no model 'gpt-9' (HTTP 404: no such model): pick one of its models in ai.roles"\
        in model.detail
    endpoint = provider_error(Failure("status", "", 404), LOCAL, "openai_compat", None)
    assert endpoint.detail == ("Provider 'lab' has no such endpoint at "
                               "http://127.0.0.1:8080/v1 (HTTP 404): fix ai.providers.lab.base_url")
    assert endpoint.setting == "ai.providers.lab.base_url"
    pull = provider_error(Failure("status", "not found", 404), LOCAL, "ollama", "qwen:7b")
    assert "run `ollama pull qwen:7b` or pick one of its models in ai.roles" in pull.detail


@pytest.mark.parametrize("kind", ["openai_compat", "anthropic", "ollama"])
def test_overflow_names_the_context_window_setting_for_every_kind(kind: str) -> None:
    error = provider_error(Failure("status", "prompt is too long: 9000 tokens > 8192", 400),
                           LOCAL, kind, "m")
    assert error.kind == "bad_request" and error.setting == "ai.providers.lab.context_window"
    assert "does not fit the model's context window (prompt is too long" in error.detail
    own = ProviderEndpoint("local", "http://127.0.0.1:1/v1", window_setting="ai.local.n_ctx")
    assert provider_error(Failure("server", "exceeds the available context size"), own, kind,
                          "m").setting == "ai.local.n_ctx"


def test_other_statuses_and_server_errors() -> None:
    bad = provider_error(Failure("status", "temperature must be <= 2", 400), LOCAL,
                         "openai_compat", "m")
    assert (bad.kind, bad.setting) == ("bad_request", "ai.providers.lab")
    assert bad.detail == "Provider 'lab' error (HTTP 400): temperature must be <= 2"
    assert provider_error(Failure("status", "model is loading", 503), LOCAL, "ollama",
                          "m").setting == "ai.roles"
    assert provider_error(Failure("status", "slow down", 429), LOCAL, "anthropic",
                          "m").kind == "unavailable"
    busy = provider_error(Failure("server", "overloaded_error: Overloaded"), LOCAL, "anthropic",
                          "m")
    assert busy.detail == "Provider 'lab' error: overloaded_error: Overloaded"
    assert busy.kind == "unavailable"
    odd = provider_error(Failure("unreadable", "no 'models' list"), LOCAL, "ollama", None)
    assert odd.kind == "protocol" and "could not read: no 'models' list" in odd.detail


def test_sdk_errors_end_to_end_keep_the_servers_words() -> None:
    over = openai.BadRequestError(
        "400", response=status(400, {}), body={"error": {"message": "maximum context length"}})
    mapped = provider_error(over, LOCAL, "openai_compat", "m")
    assert mapped.setting == "ai.providers.lab.context_window"
    mid_stream = anthropic.APIStatusError(
        "x", response=httpx2.Response(200, request=REQUEST),
        body={"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
    assert provider_error(mid_stream, REMOTE, "anthropic", "m").detail == (
        "Provider 'cloud' error: overloaded_error: Overloaded")


def test_body_message_reads_each_servers_shape() -> None:
    assert body_message({"error": {"message": "m", "type": "t"}}) == "m"  # OpenAI
    assert body_message({"type": "error", "error": {"type": "t", "message": "m"}}) == "t: m"
    assert body_message({"error": "model not found"}) == "model not found"  # Ollama
    assert body_message({"detail": "nope"}) == "nope"
    assert body_message("text") is None
