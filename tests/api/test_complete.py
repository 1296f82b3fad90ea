"""`POST /api/complete…` against scripted model servers that record what they received.

The autocomplete role points at a scripted OpenAI-compatible server (`/v1/completions`,
streamed) serving a Qwen2.5-Coder model name, so the prompt must carry Qwen's FIM template;
one test uses a scripted Ollama server (its native `suffix` field). No real model is needed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from pairpad.app import PairpadApp, create_app
from pairpad.auth.identity import Identity
from pairpad.config import Settings
from pairpad.realtime.handlers.complete import register_complete_handlers
from tests.conftest import TEST_HOST, TEST_TOKEN
from tests.support.ollama_server import scripted_ollama
from tests.support.openai_server import ScriptedOpenAI, scripted_openai

MODEL = "qwen2.5-coder-1.5b"
PREFIX = "def add(a, b):\n    "
SUFFIX = "\n\nprint(add(1, 2))\n"
# The scripted model rambles on past the function: the clean-up cuts it at the block's end.
RAW = "return a + b\n\nprint(add(1, 2))\n"


def body(prefix: str = PREFIX, suffix: str = SUFFIX, **extra: Any) -> dict[str, Any]:
    return {"path": "app.py", "language": "python", "prefix": prefix, "suffix": suffix,
            "cursor": {"line": prefix.count("\n") + 1,
                       "column": len(prefix.rsplit("\n", 1)[-1]) + 1}, **extra}


@pytest.fixture
def script() -> Iterator[ScriptedOpenAI]:
    with scripted_openai(models=[MODEL], completion=RAW) as server:
        yield server


def settings_for(workspace: Path, data_dir: Path, provider: dict[str, Any], role: str,
                 **autocomplete: Any) -> Settings:
    (workspace / "app.py").write_text(PREFIX + SUFFIX)
    (workspace / ".env").write_text("API_KEY=hunter2\n")
    return Settings(workspace=workspace, data_dir=data_dir, token=TEST_TOKEN, open_browser=False,
                    ai={"providers": {"scripted": provider},
                        "roles": {"autocomplete": role},
                        "autocomplete": autocomplete})


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[tuple[PairpadApp, httpx.AsyncClient]]:
    app = create_app(settings)
    async with app.fastapi.router.lifespan_context(app.fastapi), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=f"http://{TEST_HOST}",
            headers={"Authorization": f"Bearer {TEST_TOKEN}"}, timeout=30) as client:
        yield app, client


@pytest.fixture
async def served(workspace: Path, data_dir: Path, script: ScriptedOpenAI
                 ) -> AsyncIterator[tuple[PairpadApp, httpx.AsyncClient]]:
    settings = settings_for(workspace, data_dir,
                            {"kind": "openai_compat", "base_url": script.base_url},
                            f"scripted:{MODEL}", timeout=60.0)  # only a cancel stops early
    async with serving(settings) as pair:
        yield pair


@pytest.fixture
def http(served: tuple[PairpadApp, httpx.AsyncClient]) -> httpx.AsyncClient:
    return served[1]


async def test_the_prompt_has_the_fim_template_and_the_cleaned_item_comes_back(
    http: httpx.AsyncClient, script: ScriptedOpenAI
) -> None:
    edits = [{"path": "lib/util.py", "start_line": 3, "text": "def mul(a, b):\n    return a * b"}]
    response = await http.post("/api/complete", json=body(context={
        "editor_id": "e1", "version": 3, "recent_edits": edits}))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["items"] == [{"text": "return a + b", "range": {
        "start_line": 2, "start_column": 5, "end_line": 2, "end_column": 5}}]
    assert answer["model"] == f"scripted:{MODEL}"
    assert answer["cached"] is False
    assert answer["latency_ms"] > 0
    assert len(answer["id"]) == 32
    [sent] = script.bodies()
    header = ("# Path: app.py\n# Language: python\n"
              "# Recently edited in lib/util.py:\n# def mul(a, b):\n#     return a * b\n")
    assert sent["prompt"] == (f"<|fim_prefix|>{header}{PREFIX}<|fim_suffix|>{SUFFIX}"
                              "<|fim_middle|>")
    assert sent["model"] == MODEL
    assert sent["stream"] is True
    assert sent["max_tokens"] == 96  # multi-line: an empty line in a function body
    assert sent["temperature"] == 0.0
    assert "\n\n\n" in sent["stop"] and "<|endoftext|>" in sent["stop"]


async def test_single_line_position_uses_the_line_budget(
    http: httpx.AsyncClient, script: ScriptedOpenAI
) -> None:
    script.completion = ", 2)"
    prefix = "total = add(1"
    response = await http.post("/api/complete", json=body(prefix=prefix, suffix=")\n"))
    assert response.status_code == 200, response.text
    # The model's ")" is already after the cursor: trimmed.
    assert [item["text"] for item in response.json()["items"]] == [", 2"]
    [sent] = script.bodies()
    assert sent["max_tokens"] == 32 and "\n" in sent["stop"]


async def test_nothing_worth_showing_is_an_empty_list(
    http: httpx.AsyncClient, script: ScriptedOpenAI
) -> None:
    script.completion = "   \n  "
    response = await http.post("/api/complete", json=body())
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize(("change", "needle"), [
    ({"cursor": None}, "cursor"),
    ({"cursor": {"line": 0, "column": 1}}, "cursor.line"),
    ({"path": ""}, "path"),
    ({"path": "   "}, "path: must not be blank"),
    ({"language": "x" * 65}, "language"),
    ({"prefix": "x" * 200_001}, "prefix"),
    ({"suffix": 5}, "suffix"),
    ({"context": {"recent_edits": [{"path": "a.py", "start_line": 0, "text": ""}]}},
     "context.recent_edits.0.start_line"),
])
async def test_bad_input_is_422_with_a_detail(
    http: httpx.AsyncClient, script: ScriptedOpenAI, change: dict[str, Any], needle: str
) -> None:
    payload = {**body(), **change}
    if change.get("cursor", "") is None:
        del payload["cursor"]
    response = await http.post("/api/complete", json=payload)
    assert response.status_code == 422
    assert needle in response.json()["detail"]
    assert script.bodies() == []  # no model was asked


async def test_a_path_outside_the_workspace_is_400(
    http: httpx.AsyncClient, script: ScriptedOpenAI
) -> None:
    response = await http.post("/api/complete", json=body(path="../elsewhere.py"))
    assert response.status_code == 400
    assert "inside the workspace" in response.json()["detail"]
    assert script.bodies() == []


async def test_a_secret_file_is_refused_and_never_sent(
    http: httpx.AsyncClient, script: ScriptedOpenAI
) -> None:
    response = await http.post("/api/complete", json=body(path=".env", language="dotenv",
                                                          prefix="API_KEY=hun", suffix=""))
    assert response.status_code == 403
    assert "secret file" in response.json()["detail"]
    # A secret's recent edit is not sent along with another file's completion either.
    edits = [{"path": ".env", "start_line": 1, "text": "API_KEY=hunter2"}]
    ok = await http.post("/api/complete", json=body(context={"recent_edits": edits}))
    assert ok.status_code == 200
    assert all("hunter2" not in sent["prompt"] for sent in script.bodies())
    assert len(script.bodies()) == 1


async def test_typing_through_a_shown_completion_is_served_from_the_cache(
    http: httpx.AsyncClient, script: ScriptedOpenAI
) -> None:
    first = (await http.post("/api/complete", json=body())).json()
    assert first["items"][0]["text"] == "return a + b"
    typed = await http.post("/api/complete", json=body(prefix=PREFIX + "return a"))
    assert typed.status_code == 200
    answer = typed.json()
    assert answer["cached"] is True
    assert answer["items"] == [{"text": " + b", "range": {
        "start_line": 2, "start_column": 13, "end_line": 2, "end_column": 13}}]
    assert answer["id"] != first["id"]
    again = (await http.post("/api/complete", json=body())).json()  # the exact prefix again
    assert again["cached"] is True and again["items"][0]["text"] == "return a + b"
    assert len(script.bodies()) == 1  # the scripted server saw the first request only
    # Typing something else is a miss: the model is asked.
    other = await http.post("/api/complete", json=body(prefix=PREFIX + "x"))
    assert other.json()["cached"] is False
    assert len(script.bodies()) == 2


async def test_feedback_and_stats_round_trip(http: httpx.AsyncClient) -> None:
    first = (await http.post("/api/complete", json=body())).json()
    cached = (await http.post("/api/complete", json=body(prefix=PREFIX + "ret"))).json()
    for outcome, chars in (("shown", None), ("accepted", None)):
        response = await http.post("/api/complete/feedback",
                                   json={"id": first["id"], "outcome": outcome,
                                         "accepted_chars": chars})
        assert response.status_code == 204
    for outcome, chars in (("shown", None), ("partial", 3), ("dismissed", None)):
        response = await http.post("/api/complete/feedback",
                                   json={"id": cached["id"], "outcome": outcome,
                                         "accepted_chars": chars})
        assert response.status_code == 204
    stats = (await http.get("/api/complete/stats")).json()
    assert (stats["total"], stats["shown"], stats["accepted"], stats["partial"],
            stats["dismissed"]) == (2, 2, 1, 1, 0)
    assert stats["acceptance_rate"] == 1.0
    # Only the model's answer has a latency (the cache hit is not a model latency).
    assert stats["latency_ms"]["p50"] == pytest.approx(first["latency_ms"], abs=0.01)
    assert stats["by_model"] == [{
        "model": f"scripted:{MODEL}", "shown": 2, "accepted": 1, "partial": 1, "dismissed": 0,
        "acceptance_rate": 1.0, "latency_p50": stats["latency_ms"]["p50"]}]
    assert [row["language"] for row in stats["by_language"]] == ["python"]
    unknown = await http.post("/api/complete/feedback", json={"id": "f" * 32, "outcome": "shown"})
    assert unknown.status_code == 404 and "Unknown completion id" in unknown.json()["detail"]
    bad = await http.post("/api/complete/feedback", json={"id": first["id"], "outcome": "liked"})
    assert bad.status_code == 422 and "outcome" in bad.json()["detail"]


async def test_a_new_request_for_the_same_editor_cancels_the_first(
    http: httpx.AsyncClient, script: ScriptedOpenAI
) -> None:
    script.completion_chunks = ["return", " a", " +", " b", "\n", "    # more"] * 10
    script.chunk_delay = 0.2  # the first answer would take 12 s
    first = asyncio.create_task(http.post("/api/complete", json=body(context={"editor_id": "e"})))
    async with asyncio.timeout(10):
        while script.stream_log.written < 1:  # the first one is streaming
            await asyncio.sleep(0.02)
    script.completion_chunks, script.chunk_delay = ["return a - b"], 0.0
    second = await http.post("/api/complete",
                             json=body(prefix=PREFIX + "\n    ", context={"editor_id": "e"}))
    assert second.status_code == 200
    assert second.json()["items"][0]["text"] == "return a - b"
    superseded = await asyncio.wait_for(first, 5)
    assert superseded.status_code == 200  # not an error: just nothing to show
    assert superseded.json()["items"] == [] and superseded.json()["cached"] is False
    # The provider stream was closed: the scripted server saw its client go away.
    assert await asyncio.to_thread(script.stream_log.wait_disconnected, 5)
    assert script.stream_log.written < 60
    # Another editor's request does not cancel anything.
    script.completion_chunks = None
    script.completion = RAW
    left, right = await asyncio.gather(
        http.post("/api/complete", json=body(prefix="x = ", suffix="", context={"editor_id": "a"})),
        http.post("/api/complete", json=body(prefix="y = ", suffix="", context={"editor_id": "b"})))
    assert left.json()["items"] and right.json()["items"]


async def test_a_slow_model_times_out_naming_the_setting(
    workspace: Path, data_dir: Path, script: ScriptedOpenAI
) -> None:
    script.completion_chunks = ["return"] + [" a"] * 50
    script.chunk_delay = 0.2
    settings = settings_for(workspace, data_dir,
                            {"kind": "openai_compat", "base_url": script.base_url},
                            f"scripted:{MODEL}", timeout=0.5)
    async with serving(settings) as (_app, http):
        started = asyncio.get_running_loop().time()
        response = await http.post("/api/complete", json=body())
        elapsed = asyncio.get_running_loop().time() - started
    assert response.status_code == 504
    detail = response.json()["detail"]
    assert "ai.autocomplete.timeout" in detail and "0.5s" in detail
    assert response.json()["setting"] == "ai.autocomplete.timeout"
    assert elapsed < 2.0
    assert await asyncio.to_thread(script.stream_log.wait_disconnected, 5)  # stopped at the server


async def test_a_client_that_goes_away_cancels_the_generation(
    served: tuple[PairpadApp, httpx.AsyncClient], script: ScriptedOpenAI
) -> None:
    """The HTTP route sets the cancel event on `http.disconnect`: driven here at the ASGI
    level, the way uvicorn reports a closed connection."""
    app = served[0]
    script.completion_chunks = ["return"] + [" a"] * 50
    script.chunk_delay = 0.2
    payload = httpx.Request("POST", "http://x", json=body()).content
    gone = asyncio.Event()
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if not messages:
            messages.append({"type": "http.request", "body": payload, "more_body": False})
            return messages[-1]
        await gone.wait()
        return {"type": "http.disconnect"}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": "/api/complete", "raw_path": b"/api/complete",
             "query_string": b"", "root_path": "", "client": ("127.0.0.1", 5000),
             "server": ("127.0.0.1", 8765),
             "headers": [(b"host", TEST_HOST.encode()), (b"content-type", b"application/json"),
                         (b"content-length", str(len(payload)).encode()),
                         (b"authorization", f"Bearer {TEST_TOKEN}".encode())]}
    call = asyncio.create_task(app(scope, receive, send))  # type: ignore[arg-type]
    async with asyncio.timeout(10):
        while script.stream_log.written < 1:
            await asyncio.sleep(0.02)
    gone.set()
    await asyncio.wait_for(call, 5)
    assert await asyncio.to_thread(script.stream_log.wait_disconnected, 5)
    assert script.stream_log.written < 51


async def test_unreachable_and_refusing_providers_answer_with_their_detail(
    workspace: Path, data_dir: Path
) -> None:
    down = settings_for(workspace, data_dir,
                        {"kind": "openai_compat", "base_url": "http://127.0.0.1:9/v1"},
                        f"scripted:{MODEL}")
    async with serving(down) as (_app, http):
        response = await http.post("/api/complete", json=body())
    assert response.status_code == 503
    assert "ai.providers.scripted.base_url" in response.json()["detail"]
    anthropic = settings_for(workspace, data_dir / "2",
                             {"kind": "anthropic", "base_url": "http://127.0.0.1:9",
                              "api_key": "sk-test"}, "scripted:claude-3-5-haiku-latest")
    async with serving(anthropic) as (_app, http):
        response = await http.post("/api/complete", json=body())
    assert response.status_code == 502
    assert response.json()["setting"] == "ai.roles.autocomplete"


async def test_the_ollama_path_sends_the_suffix_field(workspace: Path, data_dir: Path) -> None:
    with scripted_ollama(models=["qwen2.5-coder:7b"], completion=RAW) as ollama:
        settings = settings_for(workspace, data_dir,
                                {"kind": "ollama", "base_url": ollama.base_url},
                                "scripted:qwen2.5-coder:7b")
        async with serving(settings) as (_app, http):
            response = await http.post("/api/complete", json=body())
        [sent] = ollama.bodies()
    assert response.status_code == 200, response.text
    assert response.json()["items"][0]["text"] == "return a + b"
    assert sent["suffix"] == SUFFIX
    assert sent["prompt"] == "# Path: app.py\n# Language: python\n" + PREFIX
    assert sent["model"] == "qwen2.5-coder:7b"


async def test_warm_runs_a_one_token_completion(
    http: httpx.AsyncClient, script: ScriptedOpenAI
) -> None:
    response = await http.post("/api/complete/warm")
    assert response.status_code == 200, response.text
    assert response.json()["model"] == f"scripted:{MODEL}"
    assert response.json()["state"] == "ready"
    [sent] = script.bodies()
    assert sent["max_tokens"] == 1


async def test_a_file_warm_up_sends_the_prompt_of_the_files_completion(
    http: httpx.AsyncClient, script: ScriptedOpenAI
) -> None:
    edits = [{"path": "lib/util.py", "start_line": 3, "text": "def mul(a, b):\n    return a * b"}]
    payload = body(context={"editor_id": "e1", "version": 1, "recent_edits": edits})
    warmed = await http.post("/api/complete/warm", json=payload)
    assert warmed.status_code == 200, warmed.text
    assert warmed.json()["state"] == "ready" and warmed.json()["model"] == f"scripted:{MODEL}"
    assert warmed.json()["latency_ms"] > 0
    completed = await http.post("/api/complete", json=payload)
    assert completed.status_code == 200 and completed.json()["cached"] is False
    warm_sent, complete_sent = script.bodies()
    assert warm_sent["prompt"] == complete_sent["prompt"]
    assert "# Recently edited in lib/util.py" in warm_sent["prompt"]
    assert warm_sent["max_tokens"] == 1 and complete_sent["max_tokens"] == 96
    # The warm-up is no completion: the stats count the one completion only.
    assert (await http.get("/api/complete/stats")).json()["total"] == 1


async def test_a_file_warm_up_of_a_secret_file_is_refused(
    http: httpx.AsyncClient, script: ScriptedOpenAI
) -> None:
    response = await http.post("/api/complete/warm", json=body(
        path=".env", language="dotenv", prefix="API_KEY=hun", suffix=""))
    assert response.status_code == 403 and "secret file" in response.json()["detail"]
    outside = await http.post("/api/complete/warm", json=body(path="../x.py"))
    assert outside.status_code == 400
    invalid = await http.post("/api/complete/warm", json={"path": "app.py"})
    assert invalid.status_code == 422
    assert script.bodies() == []


async def slow_warm(http: httpx.AsyncClient, script: ScriptedOpenAI,
                    payload: dict[str, Any]) -> asyncio.Task[httpx.Response]:
    """A warm-up whose (scripted) answer would take 12 s, once it is streaming."""
    script.completion_chunks = ["return"] + [" a"] * 59
    script.chunk_delay = 0.2
    task = asyncio.create_task(http.post("/api/complete/warm", json=payload))
    async with asyncio.timeout(10):
        while script.stream_log.written < 1:
            await asyncio.sleep(0.02)
    script.completion_chunks, script.chunk_delay = None, 0.0
    return task


async def test_a_completion_cancels_its_editors_warm_up(
    http: httpx.AsyncClient, script: ScriptedOpenAI
) -> None:
    warming = await slow_warm(http, script, body(context={"editor_id": "e"}))
    completed = await http.post("/api/complete", json=body(context={"editor_id": "e"}))
    assert completed.status_code == 200 and completed.json()["items"], completed.text
    warmed = await asyncio.wait_for(warming, 5)
    assert warmed.status_code == 200 and warmed.json()["state"] == "cancelled"
    assert await asyncio.to_thread(script.stream_log.wait_disconnected, 5)


async def test_a_new_warm_up_supersedes_the_editors_previous_one(
    http: httpx.AsyncClient, script: ScriptedOpenAI
) -> None:
    first = await slow_warm(http, script, body(context={"editor_id": "e"}))
    other_editor = await http.post("/api/complete/warm", json=body(context={"editor_id": "f"}))
    assert other_editor.json()["state"] == "ready"
    assert not first.done()  # another editor's warm-up cancels nothing
    second = await http.post("/api/complete/warm",
                             json=body(prefix="x = ", suffix="", context={"editor_id": "e"}))
    assert second.status_code == 200 and second.json()["state"] == "ready"
    superseded = await asyncio.wait_for(first, 5)
    assert superseded.json()["state"] == "cancelled"
    assert await asyncio.to_thread(script.stream_log.wait_disconnected, 5)
    assert (await http.get("/api/complete/stats")).json()["total"] == 0


class FakeSio:
    def __init__(self) -> None:
        self.handlers: dict[str, Any] = {}

    def on(self, name: str, handler: Any) -> None:
        self.handlers[name] = handler

    async def get_session(self, sid: str) -> dict[str, Any]:
        return {"identity": Identity("local", "socket-auth")}


class FakeRealtime:
    def __init__(self) -> None:
        self.sio = FakeSio()

    def on_disconnect(self, listener: Any) -> None:
        pass


class Refusing:
    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def is_allowed(self, identity: Identity, action: str, resource: str) -> bool:
        self.asked.append((action, resource))
        return False


@pytest.mark.parametrize("event", ["complete:request", "complete:cancel", "complete:warm"])
async def test_socket_handlers_ask_the_authorizer(
    served: tuple[PairpadApp, httpx.AsyncClient], script: ScriptedOpenAI, event: str
) -> None:
    realtime, policy = FakeRealtime(), Refusing()
    register_complete_handlers(realtime, served[0].services.completion,  # type: ignore[arg-type]
                               policy)  # type: ignore[arg-type]
    ack = await realtime.sio.handlers[event]("sid1", {"id": "r1", **body()})
    assert ack == {"error": "Not allowed: write on chat.", "status": 403}
    assert policy.asked == [("write", "chat")]
    assert script.bodies() == []


class Allowing:
    def is_allowed(self, identity: Identity, action: str, resource: str) -> bool:
        return True


async def test_the_socket_warm_up_acks_like_the_http_one(
    served: tuple[PairpadApp, httpx.AsyncClient], script: ScriptedOpenAI
) -> None:
    realtime = FakeRealtime()
    register_complete_handlers(realtime, served[0].services.completion,  # type: ignore[arg-type]
                               Allowing())  # type: ignore[arg-type]
    warm = realtime.sio.handlers["complete:warm"]
    ack = await warm("sid1", body(context={"editor_id": "e"}))
    assert ack["model"] == f"scripted:{MODEL}" and ack["state"] == "ready", ack
    assert set(ack) == {"model", "state", "latency_ms"}
    [sent] = script.bodies()
    assert sent["max_tokens"] == 1 and PREFIX in sent["prompt"]
    assert (await warm("sid1", body(path=".env")))["status"] == 403
    assert (await warm("sid1", {"path": "app.py"}))["status"] == 422
    assert (await warm("sid1", None))["status"] == 400
    assert len(script.bodies()) == 1
