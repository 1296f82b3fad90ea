"""The context fits the model (issue 8.4): the window is read from the server, a big active
file is cut around the cursor, and an overflow says which setting fixes it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from pairpad.ai.chat_models import ChatSendRequest
from pairpad.ai.providers.windows import (
    OLLAMA_DEFAULT_NUM_CTX,
    window_from_model_entry,
    window_from_ollama_show,
    window_from_props,
)
from pairpad.app import PairpadApp, create_app
from pairpad.config import Settings
from tests.conftest import TEST_TOKEN
from tests.support.events import record_chat_events
from tests.support.openai_server import ScriptedOpenAI, scripted_openai

# ~24,000 characters, ~6,000 tokens: over a 2,048-token server, under the 8,192 assumed before.
BIG_FILE = "".join(f"value_{n:04d} = compute({n})  # line {n:04d}\n" for n in range(1, 601))


@pytest.fixture
def server() -> Iterator[ScriptedOpenAI]:
    with scripted_openai(models=["mystery-model"], n_ctx=2048, reply="Looks fine.") as script:
        yield script


async def _app(workspace: Path, data_dir: Path, base_url: str,
               **provider: Any) -> AsyncIterator[PairpadApp]:
    (workspace / "big.py").write_text(BIG_FILE)
    settings = Settings(workspace=workspace, data_dir=data_dir, token=TEST_TOKEN,
                        open_browser=False, ai={
                            "providers": {"srv": {"kind": "openai_compat", "base_url": base_url,
                                                  **provider}},
                            "roles": {"chat": "srv:mystery-model"}})
    application = create_app(settings)
    async with application.fastapi.router.lifespan_context(application.fastapi):
        yield application


@pytest.fixture
async def app(workspace: Path, data_dir: Path, server: ScriptedOpenAI
              ) -> AsyncIterator[PairpadApp]:
    async for application in _app(workspace, data_dir, server.base_url):
        yield application


async def _send(app: PairpadApp, cursor_line: int) -> tuple[dict[str, Any], list[Any]]:
    events = record_chat_events(app.services.events)
    chat = app.services.ai.chat
    ack = await chat.send(ChatSendRequest.model_validate({
        "text": "Is this right?", "active_file": {"path": "big.py", "cursor_line": cursor_line}}))
    async with asyncio.timeout(30):
        while not any(name in ("chat:done", "chat:error") for name, _ in events):
            await asyncio.sleep(0.02)
    return ack, events


async def test_the_servers_window_is_used_and_the_file_is_cut_around_the_cursor(
        app: PairpadApp, server: ScriptedOpenAI) -> None:
    ack, events = await _send(app, cursor_line=450)
    assert ack["budget"]["window"] == 2048  # from /props, not the 8,192 assumed for the name
    assert [name for name, _ in events][-1] == "chat:done", events
    (request,) = [s for s in server.seen if s.path.endswith("/chat/completions")]
    prompt = request.body["messages"][-1]["content"]
    assert "line 0450" in prompt and "line 0001" not in prompt
    (file_item,) = [c for c in ack["context"] if c["id"] == "file:big.py"]
    assert file_item["truncated"] is True
    assert file_item["meta"]["start_line"] < 450 < file_item["meta"]["end_line"]


async def test_a_window_set_too_large_overflows_with_a_message_naming_the_setting(
        workspace: Path, data_dir: Path, server: ScriptedOpenAI) -> None:
    async for app in _app(workspace, data_dir, server.base_url, context_window=32768):
        _ack, events = await _send(app, cursor_line=10)
        name, data = events[-1]
        assert name == "chat:error"
        assert "does not fit the model's context window" in data["detail"]
        assert data["setting"] == "ai.providers.srv.context_window"


async def test_a_silent_overflow_is_not_called_try_again(
        workspace: Path, data_dir: Path) -> None:
    with scripted_openai(models=["mystery-model"], n_ctx=2048, overflow="silent") as server:
        async for app in _app(workspace, data_dir, server.base_url, context_window=32768):
            _ack, events = await _send(app, cursor_line=10)
            name, data = events[-1]
            assert name == "chat:error"
            assert "does not fit their context window" in data["detail"]
            assert "ai.providers.srv.context_window" in data["detail"]


@pytest.mark.parametrize(("body", "expected"), [
    ({"default_generation_settings": {"n_ctx": 4096}}, 4096),
    ({"n_ctx": 2048}, 2048),
    ({"default_generation_settings": {}}, None),
    ([], None),
])
def test_window_from_llama_cpp_props(body: Any, expected: int | None) -> None:
    assert window_from_props(body) == expected


@pytest.mark.parametrize(("entry", "expected"), [
    ({"id": "m", "max_model_len": 16384, "context_length": 131072}, 16384),  # vLLM: loaded
    ({"id": "m", "context_length": 65536}, 65536),  # OpenRouter
    ({"id": "m", "loaded_context_length": 4096, "max_context_length": 32768}, 4096),
    ({"id": "m", "context_length": True}, None),
    ({"id": "m"}, None),
])
def test_window_from_a_model_list_entry(entry: dict[str, Any], expected: int | None) -> None:
    assert window_from_model_entry(entry) == expected


@pytest.mark.parametrize(("body", "expected"), [
    ({"parameters": "stop <|im_end|>\nnum_ctx 16384", "model_info": {
        "qwen2.context_length": 32768}}, 16384),
    ({"model_info": {"llama.context_length": 131072}}, OLLAMA_DEFAULT_NUM_CTX),
    ({"model_info": {"phi.context_length": 2048}}, 2048),
    ({"model_info": {}}, None),
])
def test_window_from_ollama_show(body: dict[str, Any], expected: int | None) -> None:
    assert window_from_ollama_show(body) == expected
