"""Conversations over REST, the context preview, and bad chat input (nothing half-stored).

The chat role points at an Ollama provider on a closed port: token counts are estimates and
every generation fails fast, so no model is needed here (the real streams are in
tests/integration/test_chat_socket.py).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from pairpad.ai.chat import ChatService
from pairpad.ai.chat_models import ChatSendRequest
from pairpad.app import PairpadApp, create_app
from pairpad.config import Settings
from pairpad.errors import BadRequest, NotFound, TooLarge
from tests.conftest import TEST_HOST, TEST_TOKEN
from tests.support.events import Events, record_chat_events


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as connection:
        (n,) = connection.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
        return int(n)


@pytest.fixture
def chat_settings(workspace: Path, data_dir: Path) -> Settings:
    (workspace / "app.py").write_text("def add(a, b):\n    return a - b\n")
    (workspace / "lib").mkdir()
    (workspace / "lib" / "util.py").write_text("X = 1\n")
    return Settings(workspace=workspace, data_dir=data_dir, token=TEST_TOKEN, open_browser=False,
                    ai={"providers": {"down": {"kind": "ollama", "base_url": "http://127.0.0.1:9",
                                               "context_window": 2048}},
                        "roles": {"chat": "down:qwen2.5-coder:7b"}})


@pytest.fixture
async def chat_app(chat_settings: Settings) -> AsyncIterator[tuple[PairpadApp, Events]]:
    app = create_app(chat_settings)
    events = record_chat_events(app.services.events)
    async with app.fastapi.router.lifespan_context(app.fastapi):
        yield app, events


@pytest.fixture
async def http(chat_app: tuple[PairpadApp, Events]) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=chat_app[0]),
                                 base_url=f"http://{TEST_HOST}",
                                 headers={"Authorization": f"Bearer {TEST_TOKEN}"}) as client:
        yield client


def chat_of(chat_app: tuple[PairpadApp, Events]) -> ChatService:
    return chat_app[0].services.ai.chat


async def test_conversation_crud_and_export(http: httpx.AsyncClient,
                                            chat_settings: Settings) -> None:
    created = await http.post("/api/conversations", json={"title": "Refactor"})
    assert created.status_code == 201
    cid = created.json()["id"]
    listing = (await http.get("/api/conversations")).json()["conversations"]
    assert [c["id"] for c in listing] == [cid]
    renamed = await http.patch(f"/api/conversations/{cid}", json={"title": "  Better name "})
    assert renamed.json()["title"] == "Better name"
    assert (await http.patch(f"/api/conversations/{cid}", json={"title": ""})).status_code == 422
    detail = (await http.get(f"/api/conversations/{cid}")).json()
    assert detail["messages"] == [] and detail["streaming"] == []
    export = await http.get(f"/api/conversations/{cid}/export")
    assert export.headers["content-type"].startswith("text/markdown")
    assert "Better-name.md" in export.headers["content-disposition"]
    assert export.text.startswith("# Better name")
    assert (await http.delete(f"/api/conversations/{cid}")).status_code == 204
    assert count(chat_settings.database_path, "conversations") == 0


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
async def test_unknown_conversation_is_404(http: httpx.AsyncClient, method: str) -> None:
    kwargs: dict[str, Any] = {"json": {"title": "x"}} if method == "patch" else {}
    response = await http.request(method.upper(), "/api/conversations/nope", **kwargs)
    assert response.status_code == 404 and "Unknown conversation" in response.json()["detail"]
    assert (await http.get("/api/conversations/nope/export")).status_code == 404


async def test_context_preview_reports_items_and_exclusions(http: httpx.AsyncClient) -> None:
    body = {"text": "Why does @lib/ differ from @missing.py?",
            "active_file": {"path": "app.py"},
            "selection": {"path": "app.py", "text": "return a - b", "start_line": 2,
                          "end_line": 2},
            "errors": ["AssertionError: 3 != -1"], "exclude": ["error:0"]}
    response = await http.post("/api/chat/context", json=body)
    assert response.status_code == 200, response.text
    items = {i["id"]: i for i in response.json()["context"]}
    assert items["file:app.py"]["included"] and items["file:app.py"]["tokens"] > 0
    assert items["selection:app.py"]["included"]
    assert items["folder:lib"]["included"] and items["file:lib/util.py"]["included"]
    assert not items["error:0"]["included"] and items["error:0"]["reason"] == "removed by you"
    assert not items["file:missing.py"]["included"]
    assert response.json()["model"] == "down:qwen2.5-coder:7b"


async def test_oversized_context_is_truncated_and_reported(
    chat_app: tuple[PairpadApp, Events], chat_settings: Settings,
) -> None:
    chat = chat_of(chat_app)
    big = "x = 1\n" * 20000  # ~30k tokens for a 2k window
    ack = await chat.send(ChatSendRequest(text="Summarise", active_file={"path": "big.py",
                                                                          "content": big}))
    (item,) = [c for c in ack["context"] if c["id"] == "file:big.py"]
    assert item["included"] and item["truncated"]
    assert ack["budget"]["prompt_tokens"] <= 2048
    await chat.wait_for(ack["conversation_id"])


@pytest.mark.parametrize(
    ("request_body", "error", "needle"),
    [
        ({"text": "   "}, BadRequest, "empty"),
        ({"text": "hi", "conversation_id": "nope"}, NotFound, "Unknown conversation"),
        ({"text": "q" * 20000}, TooLarge, "too long"),  # the message itself is never cut
        ({"text": "hi", "model": "ghost:m"}, BadRequest, "Unknown provider 'ghost'"),
        ({"text": "hi", "model": "no-colon"}, BadRequest, "provider:model"),
    ],
)
async def test_bad_input_stores_nothing(
    chat_app: tuple[PairpadApp, Events], chat_settings: Settings,
    request_body: dict[str, Any], error: type[Exception], needle: str,
) -> None:
    with pytest.raises(error) as caught:
        await chat_of(chat_app).send(ChatSendRequest.model_validate(request_body))
    assert needle in str(caught.value)
    assert count(chat_settings.database_path, "conversations") == 0
    assert count(chat_settings.database_path, "messages") == 0
    assert chat_app[1] == []  # nothing was emitted either


async def test_provider_failure_keeps_the_question_not_a_half_answer(
    chat_app: tuple[PairpadApp, Events], chat_settings: Settings,
) -> None:
    chat = chat_of(chat_app)
    ack = await chat.send(ChatSendRequest(text="Hello?"))
    await chat.wait_for(ack["conversation_id"])
    names = [name for name, _ in chat_app[1]]
    assert names == ["chat:started", "chat:error"]
    error = chat_app[1][-1][1]
    assert error["message_id"] == ack["message_id"]
    assert "Provider 'down' unreachable" in error["detail"]
    assert "ai.providers.down.base_url" in error["detail"]
    assert count(chat_settings.database_path, "messages") == 1  # the question only
    # Retry regenerates the answer to that stored question (and fails the same way here).
    retry = await chat.retry(ack["conversation_id"])
    assert retry["user_message_id"] == ack["user_message_id"]
    await chat.wait_for(ack["conversation_id"])
    assert count(chat_settings.database_path, "messages") == 1


async def test_delete_while_streaming_cancels_first(
    chat_app: tuple[PairpadApp, Events], http: httpx.AsyncClient, chat_settings: Settings,
) -> None:
    chat = chat_of(chat_app)
    ack = await chat.send(ChatSendRequest(text="Hello?"))
    response = await http.delete(f"/api/conversations/{ack['conversation_id']}")
    assert response.status_code == 204
    await asyncio.sleep(0)
    assert count(chat_settings.database_path, "messages") == 0


async def test_export_with_a_non_latin1_title(http: httpx.AsyncClient) -> None:
    title = "Почему order_total — 你好"
    cid = (await http.post("/api/conversations", json={"title": title})).json()["id"]
    export = await http.get(f"/api/conversations/{cid}/export")
    assert export.status_code == 200, export.text
    disposition = export.headers["content-disposition"]
    assert disposition.isascii()
    assert 'filename="order_total.md"' in disposition  # the ASCII fallback
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "Почему-order_total-你好.md"
    assert export.text.startswith(f"# {title}")


async def test_retry_resends_the_same_context(
    chat_app: tuple[PairpadApp, Events], http: httpx.AsyncClient,
) -> None:
    chat = chat_of(chat_app)
    ack = await chat.send(ChatSendRequest.model_validate({
        "text": "Why does add differ from @lib/util.py?",
        "active_file": {"path": "app.py", "content": "def add(a, b):\n    return a - b  # dirty\n"},
        "selection": {"path": "app.py", "text": "return a - b", "start_line": 2, "end_line": 2},
        "mentions": ["lib/util.py"], "errors": ["AssertionError: 3 != -1"]}))
    await chat.wait_for(ack["conversation_id"])
    sent = {c["id"]: c for c in ack["context"] if c["kind"] != "history"}
    assert {"file:app.py", "selection:app.py", "file:lib/util.py", "error:0"} <= set(sent)
    retried = await chat.retry(ack["conversation_id"])
    await chat.wait_for(ack["conversation_id"])
    again = {c["id"]: c for c in retried["context"] if c["kind"] != "history"}
    assert again.keys() == sent.keys()
    assert again["file:app.py"]["tokens"] == sent["file:app.py"]["tokens"]  # the dirty buffer
    # The spec stays on the server: the API shows the inspector report only.
    (user,) = (await http.get(f"/api/conversations/{ack['conversation_id']}")).json()["messages"]
    assert "request" not in user and all(c["kind"] != "request" for c in user["context"])
    assert "AssertionError" not in str(user["context"])


@pytest.mark.parametrize(
    "body",
    [
        '{"text": "explain", "mentions": ["app\\ud800.py"]}',
        '{"text": "explain", "selection": {"path": "app\\ud800.py", "text": "x"}}',
        '{"text": "explain @app\\udc00.py"}',
    ],
)
async def test_finding_7_lone_surrogate_in_chat_request_is_422_not_500(
    client: httpx.AsyncClient, body: str
) -> None:
    response = await client.post(
        "/api/chat/context", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert "lone surrogate" in response.json()["detail"]
