"""A request uvicorn cancels at shutdown is answered 503 with a detail, not a 500."""

from __future__ import annotations

import asyncio
import json
from collections.abc import MutableMapping
from typing import Any

import pytest

from pairpad.shutdown_answer import ShutdownAnswerMiddleware


async def _run(app: Any) -> tuple[list[MutableMapping[str, Any]], BaseException | None]:
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    task = asyncio.create_task(ShutdownAnswerMiddleware(app)({"type": "http"}, receive, send))
    await asyncio.sleep(0.01)
    task.cancel()  # what uvicorn does once timeout_graceful_shutdown has passed
    try:
        await task
    except asyncio.CancelledError as error:
        return sent, error
    return sent, None


async def test_a_request_cut_off_before_answering_gets_a_503_with_why() -> None:
    async def waits_on_the_model(scope: Any, receive: Any, send: Any) -> None:
        await asyncio.Event().wait()

    sent, error = await _run(waits_on_the_model)
    assert error is None
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 503
    assert (b"retry-after", b"5") in sent[0]["headers"]
    assert "shutting down" in json.loads(sent[1]["body"])["detail"]


async def test_a_response_already_started_is_not_answered_twice() -> None:
    async def streams(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await asyncio.Event().wait()

    sent, error = await _run(streams)
    assert isinstance(error, asyncio.CancelledError)
    assert [m["type"] for m in sent] == ["http.response.start"]


@pytest.mark.parametrize("kind", ["websocket", "lifespan"])
async def test_other_scopes_pass_through(kind: str) -> None:
    seen: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["type"])

    async def nothing() -> dict[str, Any]:
        return {}

    async def drop(message: MutableMapping[str, Any]) -> None:
        return None

    await ShutdownAnswerMiddleware(app)({"type": kind}, nothing, drop)
    assert seen == [kind]
