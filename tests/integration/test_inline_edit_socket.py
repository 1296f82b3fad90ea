"""Inline edit over Socket.IO: a real `pairpad open` whose `edit` role is a scripted
OpenAI-compatible server that records each request, and a real python-socketio client.

Checked: the ack, the streamed deltas (never a Markdown fence), the done text, what the model
was sent (path, language, surrounding code, selection, instruction; the previous round when
refining; the code around the selection cut to the model's window), secret files refused
with 403 before any model request, cancel (only by the socket that started the edit, and on
disconnect), a provider failure ending the run with `inline_edit:error`, and error acks for
malformed requests.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from tests.support.openai_server import ScriptedOpenAI, scripted_openai
from tests.support.server import RunningServer, start_server
from tests.support.socket_client import RecordingClient

CALC = (
    "import math\n"
    "\n"
    "\n"
    "def area(radius):\n"
    "    return 3.14 * radius * radius\n"
    "\n"
    "\n"
    "print(area(2))\n"
)
REPLY = (
    "Here is the rewritten function:\n"
    "```python\n"
    "def area(radius: float) -> float:\n"
    "    return math.pi * radius ** 2\n"
    "```\n"
    "It uses math.pi."
)
EXPECTED = "def area(radius: float) -> float:\n    return math.pi * radius ** 2\n"
WINDOW = 4096


@pytest.fixture(scope="module")
def model() -> Iterator[ScriptedOpenAI]:
    with scripted_openai(models=["edit-model", "chat-model"], reply=REPLY) as script:
        yield script


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, model: ScriptedOpenAI
           ) -> Iterator[RunningServer]:
    root = tmp_path_factory.mktemp("inline-edit")
    (root / "ws").mkdir()
    (root / "ws" / "calc.py").write_text(CALC)
    (root / "ws" / ".env").write_text("API_KEY=zebracorn-secret\n")
    running = start_server(root / "ws", root / "data", env={
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__KIND": "openai_compat",
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__BASE_URL": model.base_url,
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__MODELS": '["edit-model", "chat-model"]',
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__CONTEXT_WINDOW": str(WINDOW),
        "PAIRPAD_AI__PROVIDERS__DOWN__KIND": "openai_compat",
        "PAIRPAD_AI__PROVIDERS__DOWN__BASE_URL": "http://127.0.0.1:9/v1",
        "PAIRPAD_AI__ROLES__EDIT": "scripted:edit-model",
        "PAIRPAD_AI__ROLES__CHAT": "scripted:chat-model",
    })
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def fresh_script(model: ScriptedOpenAI) -> None:
    model.reply = REPLY
    model.chunk_delay = 0.0
    model.seen.clear()


class Client(RecordingClient):
    """A socket client recording every inline-edit event in arrival order."""

    recorded = ("inline_edit:delta", "inline_edit:done", "inline_edit:error")

    def deltas(self, edit_id: str) -> list[str]:
        return [d["text"] for n, d in self.events
                if n == "inline_edit:delta" and d["edit_id"] == edit_id]

    async def end_of(self, edit_id: str, timeout: float = 30) -> tuple[str, dict[str, Any]]:
        return await self.first(("inline_edit:done", "inline_edit:error"), "edit_id", edit_id,
                                timeout)


@pytest.fixture
async def client(server: RunningServer) -> AsyncIterator[Client]:
    client = await Client().connect(server)
    yield client
    await client.sio.disconnect()


def request(**extra: Any) -> dict[str, Any]:
    """Lines 4-5 of calc.py (the whole function) selected."""
    start = CALC.index("def area")
    end = CALC.index("\n\nprint")
    return {"path": "calc.py", "language": "python", "instruction": "use math.pi and type hints",
            "range": {"start_line": 4, "start_column": 1, "end_line": 6, "end_column": 1},
            "text": CALC[start:end + 1], "prefix": CALC[:start], "suffix": CALC[end + 1:],
            **extra}


def chat_bodies(model: ScriptedOpenAI) -> list[dict[str, Any]]:
    return model.bodies("/v1/chat/completions")


async def test_streams_the_cleaned_replacement_and_sends_the_context(
    client: Client, model: ScriptedOpenAI
) -> None:
    ack = await client.call("inline_edit:start", request())
    assert set(ack) == {"edit_id", "model"}, ack
    assert ack["model"] == "scripted:edit-model"
    name, done = await client.end_of(ack["edit_id"])
    assert name == "inline_edit:done", done
    assert done["text"] == EXPECTED and done["finish_reason"] == "stop"
    deltas = client.deltas(ack["edit_id"])
    assert len(deltas) >= 2, deltas  # it streamed, in pieces
    assert "".join(deltas) == EXPECTED  # the UI never saw the fence or the prose
    assert all("`" not in d and "Here is" not in d for d in deltas)
    # What the edit role's model was sent.
    [body] = chat_bodies(model)
    assert body["model"] == "edit-model" and body["stream"] is True
    system, user = body["messages"]
    assert system["role"] == "system" and "no Markdown code fences" in system["content"]
    prompt = user["content"]
    assert "calc.py" in prompt and "Language: python" in prompt
    assert "import math" in prompt  # the code before the selection
    assert "print(area(2))" in prompt  # the code after it
    assert "    return 3.14 * radius * radius" in prompt  # the selection
    assert "use math.pi and type hints" in prompt  # the instruction
    assert prompt.index("import math") < prompt.index("return 3.14") < prompt.index("print(area")


async def test_refining_sends_the_previous_round(client: Client, model: ScriptedOpenAI) -> None:
    ack = await client.call("inline_edit:start", request(
        instruction="also round to 2 places",
        previous={"instruction": "use math.pi and type hints", "text": EXPECTED}))
    name, _ = await client.end_of(ack["edit_id"])
    assert name == "inline_edit:done"
    [body] = chat_bodies(model)
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["system", "user", "assistant", "user"]
    assert "use math.pi and type hints" in body["messages"][1]["content"]
    assert body["messages"][2]["content"] == EXPECTED
    assert "also round to 2 places" in body["messages"][3]["content"]


async def test_the_code_around_the_selection_is_cut_to_the_window(
    client: Client, model: ScriptedOpenAI
) -> None:
    far = "".join(f"far_away_{i} = {i}\n" for i in range(4000))  # ~70 k chars, window 4096
    near = "NEAR_THE_SELECTION = True\n"
    ack = await client.call("inline_edit:start", request(prefix=far + near))
    name, _ = await client.end_of(ack["edit_id"])
    assert name == "inline_edit:done"
    [body] = chat_bodies(model)
    prompt = "".join(m["content"] for m in body["messages"])
    assert "NEAR_THE_SELECTION" in prompt  # the lines nearest the selection are kept
    assert "far_away_0 " not in prompt  # the start of the file is not
    assert len(prompt) // 4 + body["max_tokens"] <= WINDOW


@pytest.mark.parametrize("path", [".env", "./.env", "sub/../.env", "/.env"])
async def test_a_secret_file_is_refused_before_any_model_request(
    client: Client, model: ScriptedOpenAI, path: str
) -> None:
    ack = await client.call("inline_edit:start", request(
        path=path, language="dotenv", text="API_KEY=zebracorn-secret\n", prefix="", suffix=""))
    assert ack["status"] == 403, ack
    assert "secret" in ack["error"]
    assert chat_bodies(model) == []


async def test_cancel_ends_the_run_with_done_cancelled(
    client: Client, server: RunningServer, model: ScriptedOpenAI
) -> None:
    model.chunk_delay = 0.3  # ~10 chunks: 3 s unless cancelled
    ack = await client.call("inline_edit:start", request())
    edit_id = ack["edit_id"]
    async with asyncio.timeout(10):
        while not client.deltas(edit_id):
            await asyncio.sleep(0.02)
    # Another socket may not stop it.
    other = await Client().connect(server)
    try:
        assert await other.call("inline_edit:cancel", {"edit_id": edit_id}) == {"ok": False}
    finally:
        await other.sio.disconnect()
    started = time.monotonic()
    assert await client.call("inline_edit:cancel", {"edit_id": edit_id}) == {"ok": True}
    name, done = await client.end_of(edit_id)
    assert name == "inline_edit:done" and done["finish_reason"] == "cancelled", done
    assert time.monotonic() - started < 2
    assert model.stream_log.wait_disconnected(5)  # the HTTP stream to the model was closed


async def test_a_disconnect_stops_the_sockets_edits(
    server: RunningServer, model: ScriptedOpenAI
) -> None:
    model.chunk_delay = 0.3
    model.stream_log.disconnected.clear()
    leaving = await Client().connect(server)
    written_before = model.stream_log.written
    ack = await leaving.call("inline_edit:start", request())
    async with asyncio.timeout(10):
        while not leaving.deltas(ack["edit_id"]):
            await asyncio.sleep(0.02)
    await leaving.sio.disconnect()
    assert model.stream_log.wait_disconnected(5), "the model's stream went on after the socket left"
    assert model.stream_log.written - written_before < 8  # not streamed to the end


async def test_a_provider_failure_ends_with_inline_edit_error(
    client: Client, model: ScriptedOpenAI, server: RunningServer
) -> None:
    # The edit role moves to a provider nobody listens at (port 9), for this test only.
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.auth_headers) as http:
        response = await http.put("/api/models/roles", json={"roles": {"edit": "down:m"}})
        assert response.status_code == 200, response.text
        try:
            ack = await client.call("inline_edit:start", request())
            assert "edit_id" in ack, ack
            name, error = await client.end_of(ack["edit_id"])
        finally:
            response = await http.put("/api/models/roles", json={"roles": {"edit": None}})
            assert response.status_code == 200, response.text
    assert name == "inline_edit:error", error
    assert "unreachable" in error["detail"], error


@pytest.mark.parametrize("payload", [None, "text", 7, {"path": "calc.py"},
                                     {**request(), "range": {"start_line": 0}}])
async def test_malformed_start_gets_an_error_ack(client: Client, payload: Any) -> None:
    ack = await client.call("inline_edit:start", payload)
    assert isinstance(ack.get("error"), str) and ack["status"] == 422, ack


async def test_a_blank_instruction_is_refused(client: Client) -> None:
    ack = await client.call("inline_edit:start", request(instruction="   "))
    assert ack["status"] == 400 and "instruction" in ack["error"], ack


async def test_cancel_without_an_edit_id_gets_an_error_ack(client: Client) -> None:
    ack = await client.call("inline_edit:cancel", {})
    assert ack["status"] == 400, ack

