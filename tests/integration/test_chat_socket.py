"""Chat over Socket.IO against the real `pairpad open` and the embedded model."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Set
from pathlib import Path
from typing import Any

import httpx
import pytest

from pairpad.ai.provider_config import LocalModelSettings
from pairpad.ai.providers.local import LocalModelServer
from pairpad.cli_chat import run_chat
from tests.support.model import require_embedded_model
from tests.support.server import RunningServer, start_server
from tests.support.socket_client import RecordingClient

pytestmark = pytest.mark.model
STORY = "Tell me a long story about a dragon who learns to write Python."


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("chat")
    (path / "ws").mkdir()
    (path / "ws" / "app.py").write_text("def add(a, b):\n    return a - b\n")
    return path


@pytest.fixture(scope="module")
def server(root: Path) -> Iterator[RunningServer]:
    require_embedded_model()
    running = start_server(root / "ws", root / "data")
    yield running
    running.stop()


class Client(RecordingClient):
    """A socket client that records every chat event in arrival order."""

    recorded = ("chat:started", "chat:delta", "chat:done", "chat:error")
    call_timeout = 60.0

    def deltas(self, message_id: str) -> list[str]:
        return [d["text"] for n, d in self.events
                if n == "chat:delta" and d["message_id"] == message_id]

    async def end_of(self, message_id: str, timeout: float = 60) -> tuple[str, dict[str, Any]]:
        return await self.first(("chat:done", "chat:error"), "message_id", message_id, timeout)


async def conversation(server: RunningServer, cid: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.auth_headers) as http:
        response = await http.get(f"/api/conversations/{cid}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


async def test_streams_deltas_in_order_then_done_with_usage(server: RunningServer) -> None:
    client = await Client().connect(server)
    ack = await client.call("chat:send", {"text": "What does this function do?",
                                          "active_file": {"path": "app.py"}, "max_tokens": 24})
    assert set(ack) >= {"conversation_id", "message_id", "context"}, ack
    assert [c["id"] for c in ack["context"] if c["included"]] == ["file:app.py"]
    name, done = await client.end_of(ack["message_id"])
    await client.close()
    assert name == "chat:done", done
    deltas = client.deltas(ack["message_id"])
    assert len(deltas) >= 3
    assert done["finish_reason"] in ("stop", "length")
    assert done["usage"]["output_tokens"] == len(deltas) and done["usage"]["input_tokens"] > 0
    # Order: the events are started, deltas..., done; the stored answer is the deltas joined.
    names = [n for n, d in client.events if d.get("message_id") == ack["message_id"]]
    assert names[0] == "chat:started" and names[-1] == "chat:done"
    stored = await conversation(server, ack["conversation_id"])
    assert [m["role"] for m in stored["messages"]] == ["user", "assistant"]
    assert stored["messages"][1]["content"] == "".join(deltas)
    assert stored["messages"][1]["finish_reason"] == done["finish_reason"]


async def test_second_client_in_the_room_sees_the_same_stream(server: RunningServer) -> None:
    alice, bob = await Client().connect(server), await Client().connect(server)
    first = await alice.call("chat:send", {"text": "Hi", "max_tokens": 4})
    await alice.end_of(first["message_id"])
    joined = await bob.call("chat:join", {"conversation_id": first["conversation_id"]})
    assert joined["ok"] is True
    ack = await alice.call("chat:send", {"conversation_id": first["conversation_id"],
                                         "text": "Say it again in French.", "max_tokens": 16})
    await alice.end_of(ack["message_id"])
    name, _ = await bob.end_of(ack["message_id"], timeout=10)
    await alice.close()
    await bob.close()
    assert name == "chat:done"
    assert bob.deltas(ack["message_id"]) == alice.deltas(ack["message_id"])
    assert len(bob.deltas(ack["message_id"])) >= 2


async def test_cancel_stops_generation_and_keeps_the_partial_answer(
    server: RunningServer,
) -> None:
    client = await Client().connect(server)
    ack = await client.call("chat:send", {"text": STORY, "max_tokens": 400})
    async with asyncio.timeout(30):
        while len(client.deltas(ack["message_id"])) < 3:
            await asyncio.sleep(0.01)
    assert (await client.call("chat:cancel", {"message_id": ack["message_id"]})) == {"ok": True}
    name, done = await client.end_of(ack["message_id"], timeout=60)
    # A follow-up answer completes after it (the model server serves one request at a time),
    # so any straggling delta of the cancelled stream would have arrived by then.
    follow = await client.call("chat:send", {"conversation_id": ack["conversation_id"],
                                             "text": "Hi", "max_tokens": 2})
    await client.end_of(follow["message_id"])
    await client.close()
    assert name == "chat:done" and done["finish_reason"] == "cancelled"
    mine = [n for n, d in client.events if d.get("message_id") == ack["message_id"]]
    assert mine.count("chat:done") == 1 and mine[-1] == "chat:done"  # no delta after done
    assert "chat:error" not in mine
    deltas = client.deltas(ack["message_id"])
    stored = (await conversation(server, ack["conversation_id"]))["messages"]
    answer = next(m for m in stored if m["id"] == ack["message_id"])
    assert answer["finish_reason"] == "cancelled"
    assert answer["content"] == "".join(deltas)  # the partial answer, exactly as streamed


async def test_bad_requests_get_clear_acks_and_store_nothing(server: RunningServer) -> None:
    client = await Client().connect(server)
    empty = await client.call("chat:send", {"text": "  "})
    unknown = await client.call("chat:send", {"text": "hi", "conversation_id": "nope"})
    invalid = await client.call("chat:send", {"text": 42})
    cancel = await client.call("chat:cancel", {})
    await client.close()
    assert empty["status"] == 400 and "empty" in empty["error"]
    assert unknown["status"] == 404 and "Unknown conversation" in unknown["error"]
    assert invalid["status"] == 422 and invalid["error"].startswith("Invalid chat request: text")
    assert cancel["status"] == 400
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.auth_headers) as http:
        titles = [c["title"] for c in (await http.get("/api/conversations")).json()
                  ["conversations"]]
    assert "  " not in titles


async def test_role_on_an_openai_compatible_server_is_a_settings_change(
    server: RunningServer, tmp_path: Path,
) -> None:
    """Point the chat role at a separate llama.cpp server through the settings API."""
    other = LocalModelServer(LocalModelSettings(), tmp_path)
    url = await other.ensure_running()
    try:
        async with httpx.AsyncClient(base_url=server.base_url,
                                     headers=server.auth_headers) as http:
            put = await http.put("/api/models/providers/lab", json={
                "kind": "openai_compat", "base_url": url, "api_key": other.api_key})
            assert put.status_code == 200, put.text
            roles = await http.put("/api/models/roles", json={
                "roles": {"chat": "lab:smollm2-135m-instruct"}})
            assert roles.status_code == 200, roles.text
            models = (await http.get("/api/models")).json()
            lab = next(p for p in models["providers"] if p["name"] == "lab")
            assert lab["reachable"] and lab["models"][0]["id"] == "smollm2-135m-instruct"
            client = await Client().connect(server)
            ack = await client.call("chat:send", {"text": "Hello", "max_tokens": 8})
            name, _done = await client.end_of(ack["message_id"])
            await client.close()
            assert ack["model"] == "lab:smollm2-135m-instruct"
            assert name == "chat:done" and client.deltas(ack["message_id"])
            await http.put("/api/models/roles", json={"roles": {"chat": None}})
            await other.stop()
            # The configured server is gone: a clear error naming the setting, no hang.
            await http.put("/api/models/roles", json={"roles": {"chat": "lab:x"}})
            client = await Client().connect(server)
            ack = await client.call("chat:send", {"text": "Hello", "max_tokens": 8})
            name, error = await client.end_of(ack["message_id"], timeout=20)
            await client.close()
            await http.put("/api/models/roles", json={"roles": {"chat": None}})
            await http.delete("/api/models/providers/lab")
        assert name == "chat:error"
        assert "Provider 'lab' unreachable" in error["detail"]
        assert "ai.providers.lab.base_url" in error["detail"]
    finally:
        await other.stop()


def llama_children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid and b"llama_cpp.server" in cmdline:
            found.append(int(entry.name))
    return found


async def test_conversation_survives_restart_and_no_orphan_model_server(tmp_path: Path) -> None:
    require_embedded_model()
    workspace, data = tmp_path / "ws", tmp_path / "data"
    workspace.mkdir()
    first = start_server(workspace, data)
    try:
        client = await Client().connect(first)
        ack = await client.call("chat:send", {"text": "Remember me", "max_tokens": 6})
        await client.end_of(ack["message_id"])
        await client.close()
        children = llama_children(first.process.pid)
        assert len(children) == 1
    finally:
        first.stop(signal.SIGINT)  # as Ctrl+C in the terminal
    await asyncio.sleep(0.5)
    for pid in children:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    second = start_server(workspace, data)
    try:
        stored = await conversation(second, ack["conversation_id"])
    finally:
        second.stop()
    assert stored["title"] == "Remember me"
    assert [m["role"] for m in stored["messages"]] == ["user", "assistant"]


def run_cli(*args: str, cwd: Path, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAIRPAD_")}
    return subprocess.run([sys.executable, "-m", "pairpad", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=120, env={**env, "PAIRPAD_DATA_DIR":
                                                                 str(data_dir)}, check=False)


def test_cli_chat_uses_the_running_server(server: RunningServer, root: Path) -> None:
    result = run_cli("chat", "What does this do?", "--file", "app.py", "--max-tokens", "12",
                     cwd=root / "ws", data_dir=root / "data")
    assert result.returncode == 0, result.stderr
    assert "via the running server" in result.stderr
    assert "context: app.py" in result.stderr and "out]" in result.stderr
    assert result.stdout.strip()


def test_cli_chat_embedded_and_models(tmp_path: Path) -> None:
    require_embedded_model()
    (tmp_path / "a.py").write_text("x = 1\n")
    result = run_cli("chat", "Explain", "--file", "a.py", "--max-tokens", "8",
                     cwd=tmp_path, data_dir=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert "via the running server" not in result.stderr and result.stdout.strip()
    assert "context: a.py" in result.stderr
    models = run_cli("models", cwd=tmp_path, data_dir=tmp_path / "data")
    assert models.returncode == 0, models.stderr
    assert "chat          local:smollm2-135m-instruct" in models.stdout
    bad = run_cli("chat", "hi", "--model", "ghost:x", cwd=tmp_path, data_dir=tmp_path / "data")
    assert bad.returncode == 1 and "Unknown provider 'ghost'" in bad.stderr


class SilentEndpoint:
    """A TCP server that accepts connections and never answers (a hung provider)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                self.held.append(self.sock.accept()[0])

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


def provider_env(name: str, base_url: str) -> dict[str, str]:
    return {f"PAIRPAD_AI__PROVIDERS__{name.upper()}__KIND": "openai_compat",
            f"PAIRPAD_AI__PROVIDERS__{name.upper()}__BASE_URL": base_url,
            f"PAIRPAD_AI__PROVIDERS__{name.upper()}__MODELS": '["m"]',
            "PAIRPAD_AI__ROLES__CHAT": f"{name}:m"}


def cli_in_process(cwd: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                   idle_timeout: float) -> tuple[int, str]:
    monkeypatch.chdir(cwd)
    for key in [k for k in os.environ if k.startswith("PAIRPAD_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("PAIRPAD_DATA_DIR", str(data_dir))
    out, err = io.StringIO(), io.StringIO()
    code = run_chat("What does add do?", None, None, 8, False, out, err, idle_timeout)
    return code, err.getvalue()


def conversation_ids(server: RunningServer) -> set[str]:
    with httpx.Client(base_url=server.base_url, headers=server.auth_headers) as http:
        return {c["id"] for c in http.get("/api/conversations").json()["conversations"]}


def wait_until_streaming(server: RunningServer, besides: Set[str] = frozenset()) -> None:
    """Until a conversation not in `besides` streams (an earlier one may still be streaming:
    the hung provider never ends it, though its CLI gave up)."""
    with httpx.Client(base_url=server.base_url, headers=server.auth_headers) as http:
        deadline = time.monotonic() + 60  # a hang guard, not a measurement
        while time.monotonic() < deadline:
            for item in http.get("/api/conversations").json()["conversations"]:
                if item["id"] in besides:
                    continue
                if http.get(f"/api/conversations/{item['id']}").json()["streaming"]:
                    return
            time.sleep(0.1)
    raise AssertionError("no answer started streaming")


def test_cli_chat_provider_error_exits_1_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "ws").mkdir()
    running = start_server(tmp_path / "ws", tmp_path / "data",
                           env=provider_env("down", "http://127.0.0.1:9/v1"))
    try:
        code, err = cli_in_process(tmp_path / "ws", tmp_path / "data", monkeypatch, 60)
    finally:
        running.stop()
    assert "via the running server" in err
    assert code == 1 and "Provider 'down' unreachable" in err, err


def test_cli_chat_gives_up_on_silence_and_on_a_lost_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "ws").mkdir()
    hung = SilentEndpoint()
    running = start_server(tmp_path / "ws", tmp_path / "data",
                           env=provider_env("hung", f"http://127.0.0.1:{hung.port}/v1"))
    try:
        # The provider never answers: the CLI stops waiting after the idle bound, exit 3.
        code, err = cli_in_process(tmp_path / "ws", tmp_path / "data", monkeypatch, 1)
        assert code == 3 and "no answer from the server for 1s" in err, err
        # The server goes away mid-answer: a clear error and exit 3, not a hang.
        result: list[tuple[int, str]] = []
        earlier = conversation_ids(running)
        waiting = threading.Thread(target=lambda: result.append(cli_in_process(
            tmp_path / "ws", tmp_path / "data", monkeypatch, 600)), daemon=True)
        waiting.start()
        wait_until_streaming(running, earlier)  # this CLI is connected, waiting for the answer
        assert waiting.is_alive()
        running.stop()
        waiting.join(timeout=30)  # a hang guard: the CLI returns on the disconnect
        assert not waiting.is_alive(), "pairpad chat hung after the server stopped"
        ((code, err),) = result
        assert code == 3 and "lost the connection" in err, err
    finally:
        running.stop()
        hung.close()
