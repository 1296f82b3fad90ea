"""Agent runs end to end: a real `pairpad open`, a real Socket.IO client, the real sandbox,
and a scripted model served over the real OpenAI-compatible wire format (tool calls streamed
as OpenAI streams them) that records every request it gets.

Each scenario scripts the model's turns (some answer from what they were sent) and checks the
run's events, what reached the disk and what reached the model.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.openai_server import ScriptedOpenAI, scripted_openai
from tests.support.server import RunningServer, start_server
from tests.support.socket_client import RecordingClient

CALC = "def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n"
TEST_CALC = (
    "import unittest\n\nfrom calc import add\n\n\n"
    "class AddTest(unittest.TestCase):\n"
    "    def test_add(self):\n        self.assertEqual(add(2, 3), 5)\n"
)
SECRET = "zebracorn-4417"
TESTS = ["python3", "-m", "unittest", "-q"]


@pytest.fixture(scope="module")
def model() -> Iterator[ScriptedOpenAI]:
    with scripted_openai(models=["agent-model"]) as script:
        yield script


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("agent")


def _server(root: Path, model: ScriptedOpenAI) -> RunningServer:
    return start_server(root / "ws", root / "data", env={
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__KIND": "openai_compat",
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__BASE_URL": model.base_url,
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__MODELS": '["agent-model"]',
        "PAIRPAD_AI__ROLES__CHAT": "scripted:agent-model",
        "PAIRPAD_AGENT__ALLOWED_COMMANDS": json.dumps([["python3", "-c", "**"], TESTS]),
        "PAIRPAD_AGENT__REPEAT_LIMIT": "3",
    })


@pytest.fixture(scope="module")
def server(root: Path, model: ScriptedOpenAI) -> Iterator[RunningServer]:
    (root / "ws").mkdir(exist_ok=True)
    running = _server(root, model)
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def workspace(root: Path, model: ScriptedOpenAI) -> Path:
    ws = root / "ws"
    ws.mkdir(exist_ok=True)
    (ws / "calc.py").write_text(CALC)
    (ws / "test_calc.py").write_text(TEST_CALC)
    (ws / ".env").write_text(f"API_KEY={SECRET}\n")
    model.turns.clear()
    model.seen.clear()
    return ws


class Client(RecordingClient):
    recorded = ("agent:event", "agent:approval")

    def log(self, run_id: str) -> list[dict[str, Any]]:
        return [d for n, d in self.events if n == "agent:event" and d["run_id"] == run_id]

    def of_type(self, run_id: str, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.log(run_id) if e["type"] == kind]

    async def finished(self, run_id: str, timeout: float = 60) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while not (done := self.of_type(run_id, "finished")):
                await asyncio.sleep(0.02)
        return done[0]

    async def approval(self, run_id: str, count: int = 1, timeout: float = 30) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while len(found := [d for n, d in self.events if n == "agent:approval"
                                and d["run_id"] == run_id]) < count:
                await asyncio.sleep(0.02)
        return found[count - 1]

    async def start(self, task: str, mode: str = "edit") -> str:
        ack = await self.call("agent:start", {"task": task, "mode": mode})
        assert set(ack) == {"run_id"}, ack
        return str(ack["run_id"])


@pytest.fixture
async def client(server: RunningServer) -> AsyncIterator[Client]:
    connected = await Client().connect(server)
    yield connected
    await connected.close()


def call(name: str, **args: Any) -> dict[str, Any]:
    return {"tool_calls": [{"name": name, "arguments": args}]}


def said(text: str) -> dict[str, Any]:
    return {"text": text}


async def get_run(server: RunningServer, run_id: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.auth_headers) as http:
        response = await http.get(f"/api/agent/runs/{run_id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def tool_results(model: ScriptedOpenAI) -> list[str]:
    """What the model was shown as tool results, in order (from its last request)."""
    last = model.chat_bodies()[-1]
    return [m["content"] for m in last["messages"] if m["role"] == "tool"]


async def test_fixes_a_failing_test_end_to_end(client: Client, server: RunningServer,
                                               model: ScriptedOpenAI, workspace: Path) -> None:
    model.turns += [
        call("read_file", path="calc.py"),
        call("edit_file", path="calc.py", old_text="    return a - b", new_text="    return a + b"),
        call("run_command", argv=TESTS),
        said("Fixed add(): it subtracted. The tests pass."),
    ]
    run_id = await client.start("Make the tests in test_calc.py pass")
    approval = await client.approval(run_id)
    assert approval["tool"] == "run_command" and approval["risk"] == "command"
    assert approval["detail"] == "python3 -m unittest -q"  # exactly what will run
    assert (await client.call("agent:decide", {"run_id": run_id, "call_id": approval["call_id"],
                                               "approve": True})) == {"ok": True}
    done = await client.finished(run_id)
    assert done["reason"] == "completed", done
    assert workspace.joinpath("calc.py").read_text() == CALC.replace("a - b", "a + b")
    kinds = [e["type"] for e in client.log(run_id)]
    assert kinds == ["start", "tool_call", "tool_result", "tool_call", "file_change",
                     "tool_result", "tool_call", "approval_request", "approval_decision",
                     "tool_result", "message", "finished"], kinds
    assert [e["seq"] for e in client.log(run_id)] == list(range(1, len(kinds) + 1))
    results = tool_results(model)
    assert "    2\t    return a - b" in results[0]  # read_file: numbered lines
    assert "[exit code 0]" in results[2] and "OK" in results[2], results[2]
    change = client.of_type(run_id, "file_change")[0]
    assert change["path"] == "calc.py" and change["change"] == "modified"
    assert "-    return a - b\n+    return a + b" in change["diff"]
    # The change is one change set of the run, in the review API, pending.
    run = (await get_run(server, run_id))["run"]
    assert run["status"] == "finished" and run["reason"] == "completed"
    assert run["change_set_id"] == change["change_set_id"] and run["steps"] == 4
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.auth_headers) as http:
        change_set = (await http.get(f"/api/changesets/{run['change_set_id']}")).json()
    assert change_set["source"] == "agent" and change_set["status"] == "pending"
    assert [f["path"] for f in change_set["files"]] == ["calc.py"]
    # The tools the model was offered, by their public names.
    offered = [t["function"]["name"] for t in model.chat_bodies()[0]["tools"]]
    assert offered == ["list_files", "read_file", "search_text", "search_code", "repo_map",
                       "edit_file", "write_file", "delete_file", "run_command"]


async def test_a_denied_command_does_not_run(client: Client, model: ScriptedOpenAI,
                                             workspace: Path) -> None:
    marker = ["python3", "-c", "open('ran.txt', 'w').write('x')"]
    model.turns += [call("run_command", argv=marker), said("Understood.")]
    run_id = await client.start("Create ran.txt")
    approval = await client.approval(run_id)
    await client.call("agent:decide", {"run_id": run_id, "call_id": approval["call_id"],
                                       "approve": False})
    done = await client.finished(run_id)
    assert done["reason"] == "completed"
    assert not workspace.joinpath("ran.txt").exists()
    decision = client.of_type(run_id, "approval_decision")[0]
    assert decision["approve"] is False
    assert tool_results(model)[0].startswith("ERROR: The user denied this run_command call")


async def test_a_changed_command_asks_again(client: Client, model: ScriptedOpenAI,
                                            workspace: Path) -> None:
    first = ["python3", "-c", "print('one')"]
    model.turns += [call("run_command", argv=first), call("run_command", argv=first),
                    call("run_command", argv=[*first[:2], "print('two')"]), said("Done.")]
    run_id = await client.start("Print things")  # edit mode: every command asks
    approval = await client.approval(run_id)
    await client.call("agent:decide", {"run_id": run_id, "call_id": approval["call_id"],
                                       "approve": True})
    changed = await client.approval(run_id, count=2)
    assert changed["args"]["argv"][2] == "print('two')"
    await client.call("agent:decide", {"run_id": run_id, "call_id": changed["call_id"],
                                       "approve": False})
    assert (await client.finished(run_id))["reason"] == "completed"
    decisions = [(d["approve"], d["detail"]) for d in client.of_type(run_id, "approval_decision")]
    assert decisions[0] == (True, "user")
    assert decisions[1][0] is True and "approved earlier" in decisions[1][1]  # the same argv
    assert decisions[2] == (False, "user")  # changed: asked again, denied
    results = tool_results(model)
    assert "one" in results[0] and "one" in results[1] and "denied" in results[2]


async def test_auto_mode_runs_allowed_commands_but_control_files_still_ask(
        client: Client, model: ScriptedOpenAI, workspace: Path) -> None:
    model.turns += [
        call("run_command", argv=["python3", "-c", "print(6 * 7)"]),
        call("write_file", path=".VSCode/../.vscode/tasks.json", content="{}\n"),
        said("Done."),
    ]
    run_id = await client.start("Compute and configure", mode="auto")
    approval = await client.approval(run_id)
    assert approval["tool"] == "write_file" and approval["risk"] == "control_file"
    assert not workspace.joinpath(".vscode").exists()  # nothing written before the decision
    await client.call("agent:decide", {"run_id": run_id, "call_id": approval["call_id"],
                                       "approve": True})
    assert (await client.finished(run_id))["reason"] == "completed"
    assert workspace.joinpath(".vscode/tasks.json").read_text() == "{}\n"
    first = client.of_type(run_id, "tool_result")[0]
    assert first["ok"] is True and "42" in first["output"]  # ran unasked: on the allow-list
    assert len(client.of_type(run_id, "approval_request")) == 1
    unasked = client.of_type(run_id, "approval_decision")[0]
    assert (unasked["call_id"], unasked["approve"], unasked["detail"]) == (
        first["call_id"], True, "allow-list")  # why it ran without asking


async def test_a_secret_file_never_reaches_the_model(client: Client, model: ScriptedOpenAI,
                                                     workspace: Path) -> None:
    model.turns += [
        call("read_file", path=".env"),
        call("read_file", path="./.env"),
        call("search_text", query="zebracorn"),
        call("edit_file", path=".env", old_text="API_KEY", new_text="KEY"),
        call("run_command", argv=["python3", "-c", "print(open('.env').read())"]),
        said("I cannot see it."),
    ]
    run_id = await client.start("What is in .env?", mode="auto")
    done = await client.finished(run_id)
    assert done["reason"] == "completed"
    results = tool_results(model)
    assert "secret file" in results[0] and "secret file" in results[1]
    assert "No matches" in results[2] or "secret files not shown" in results[2]
    assert "secret file" in results[3]
    everything = json.dumps([s.body for s in model.seen])
    assert SECRET not in everything
    assert SECRET not in json.dumps(client.log(run_id))
    assert workspace.joinpath(".env").read_text() == f"API_KEY={SECRET}\n"


async def test_cancel_stops_a_running_command(client: Client, model: ScriptedOpenAI) -> None:
    model.turns += [call("run_command", argv=["python3", "-c", "import time; time.sleep(60)"])]
    run_id = await client.start("Wait", mode="auto")
    async with asyncio.timeout(20):
        while not client.of_type(run_id, "tool_call"):
            await asyncio.sleep(0.02)
    await asyncio.sleep(0.5)  # the command is running in the sandbox
    assert (await client.call("agent:cancel", {"run_id": run_id})) == {"ok": True}
    done = await client.finished(run_id, timeout=15)
    assert done["reason"] == "cancelled"
    assert (await client.call("agent:cancel", {"run_id": run_id})) == {"ok": False}


async def test_the_loop_guard_stops_the_same_call_repeated(client: Client,
                                                           model: ScriptedOpenAI) -> None:
    model.turns += [call("list_files")] * 5
    run_id = await client.start("List")
    done = await client.finished(run_id)
    assert done["reason"] == "loop"
    assert len(client.of_type(run_id, "tool_call")) == 3  # repeat_limit


async def test_malformed_tool_calls_become_error_observations(
        client: Client, model: ScriptedOpenAI, server: RunningServer) -> None:
    model.turns += [
        {"tool_calls": [{"name": "read_file", "arguments": "{\"path\": \"calc.py\""}]},
        call("frobnicate", x=1),
        call("read_file", path=123),
        {"tool_calls": [{"name": "read_file", "arguments": "[1, 2]"}]},
        call("read_file", path="../outside.txt"),
        said("Sorry."),
    ]
    run_id = await client.start("Read calc.py")
    done = await client.finished(run_id)
    assert done["reason"] == "completed"
    results = [r for r in client.of_type(run_id, "tool_result")]
    assert [r["ok"] for r in results] == [False] * 5
    assert "not valid JSON" in results[0]["output"]
    assert "no tool 'frobnicate'" in results[1]["output"]
    assert "path" in results[2]["output"] and "string" in results[2]["output"]
    assert "one JSON object" in results[3]["output"]
    assert "outside the workspace" in results[4]["output"]
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.auth_headers) as http:
        assert (await http.get("/api/health")).status_code == 200


async def test_a_second_window_replays_the_run_then_follows_it(
        client: Client, server: RunningServer, model: ScriptedOpenAI) -> None:
    model.turns += [call("read_file", path="calc.py"), call("run_command", argv=TESTS),
                    said("Ran.")]
    run_id = await client.start("Run the tests", mode="edit")
    approval = await client.approval(run_id)
    second = await Client().connect(server)
    try:
        ack = await second.call("agent:join", {"run_id": run_id})
        assert ack == {"ok": True, "status": "waiting"}, ack
        await client.call("agent:decide", {"run_id": run_id, "call_id": approval["call_id"],
                                           "approve": True})
        await second.finished(run_id)
        await client.finished(run_id)
        by_seq = {e["seq"]: e for e in second.log(run_id)}  # deduped by seq
        assert list(by_seq.values()) == client.log(run_id)
        later = await Client().connect(server)
        try:
            await later.call("agent:join", {"run_id": run_id, "after_seq": 3})
            async with asyncio.timeout(10):
                while not later.of_type(run_id, "finished"):
                    await asyncio.sleep(0.02)
            assert min(e["seq"] for e in later.log(run_id)) == 4
        finally:
            await later.close()
    finally:
        await second.close()
    logged = (await get_run(server, run_id))["events"]
    assert logged == client.log(run_id)
    bad = await client.call("agent:join", {"run_id": "nope"})
    assert bad["status"] == 404


async def test_restoring_a_checkpoint_keeps_the_users_interleaved_edit(
        client: Client, server: RunningServer, model: ScriptedOpenAI, workspace: Path) -> None:
    model.turns += [
        call("edit_file", path="calc.py", old_text="    return a - b", new_text="    return a + b"),
        call("run_command", argv=TESTS),
        call("edit_file", path="calc.py", old_text="    return a * b",
             new_text="    return a * b  # product"),
        said("Done."),
    ]
    run_id = await client.start("Fix add and document mul")
    approval = await client.approval(run_id)
    # While the run waits, the user edits the same file elsewhere (through the editor's API).
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.auth_headers) as http:
        current = (await http.get("/api/files/content", params={"path": "calc.py"})).json()
        mine = "# my notes\n" + current["content"]
        saved = await http.put("/api/files/content", params={"path": "calc.py"},
                               json={"content": mine, "etag": current["etag"]})
        assert saved.status_code == 200, saved.text
        await client.call("agent:decide", {"run_id": run_id, "call_id": approval["call_id"],
                                           "approve": True})
        assert (await client.finished(run_id))["reason"] == "completed"
        after_run = workspace.joinpath("calc.py").read_text()
        assert after_run.startswith("# my notes\n") and "a + b" in after_run
        assert "# product" in after_run
        changes = client.of_type(run_id, "file_change")
        assert len({c["change_set_id"] for c in changes}) == 1  # one change set, two steps
        first_checkpoint = changes[0]["checkpoint_id"]
        assert changes[1]["checkpoint_id"] != first_checkpoint
        listed = (await http.get("/api/checkpoints")).json()["checkpoints"]
        assert {changes[0]["checkpoint_id"], changes[1]["checkpoint_id"]} <= {
            c["id"] for c in listed}
        # Undo the second step only: the product comment goes, the fix and my notes stay.
        restored = await http.post(f"/api/checkpoints/{changes[1]['checkpoint_id']}/restore")
        assert restored.status_code == 200, restored.text
        text = workspace.joinpath("calc.py").read_text()
        assert text == "# my notes\n" + CALC.replace("a - b", "a + b"), text
        # Undo the whole run: only my notes are left of the day's changes.
        restored = await http.post(f"/api/checkpoints/{first_checkpoint}/restore")
        assert restored.status_code == 200, restored.text
        assert workspace.joinpath("calc.py").read_text() == "# my notes\n" + CALC


async def test_bad_requests_get_error_acks(client: Client) -> None:
    for data, status, needle in [
        ({"task": "", "mode": "edit"}, 400, "empty"),
        ({"task": "x", "mode": "yolo"}, 422, "mode"),
        ({"task": "x", "model": "nope:none"}, 422, "nope"),
        (None, 422, "task"),
    ]:
        ack = await client.call("agent:start", data)
        assert ack["status"] == status and needle in ack["error"], (data, ack)
    ack = await client.call("agent:decide", {"run_id": "x", "call_id": "y", "approve": "yes"})
    assert ack["status"] == 422
    assert (await client.call("agent:decide", {"run_id": "x", "call_id": "y",
                                               "approve": True})) == {"ok": False}


async def test_a_run_survives_a_restart_as_interrupted_history(
        tmp_path: Path, model: ScriptedOpenAI) -> None:
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "calc.py").write_text(CALC)
    model.turns += [call("run_command", argv=TESTS)]
    server = _server(tmp_path, model)
    try:
        client = await Client().connect(server)
        run_id = await client.start("Run the tests")
        await client.approval(run_id)
        await client.close()
    finally:
        server.stop(signal.SIGKILL)  # a crash: nothing could mark the run on the way down
    again = _server(tmp_path, model)
    try:
        body = await get_run(again, run_id)
        assert body["run"]["status"] == "interrupted", body["run"]
        kinds = [e["type"] for e in body["events"]]
        assert kinds[:3] == ["start", "tool_call", "approval_request"]
        assert kinds[-1] == "finished" and body["events"][-1]["reason"] == "interrupted"
        async with httpx.AsyncClient(base_url=again.base_url, headers=again.auth_headers) as http:
            listed = (await http.get("/api/agent/runs")).json()["runs"]
        assert [r["id"] for r in listed] == [run_id]
    finally:
        again.stop()


async def test_step_and_token_budgets_stop_a_run_with_their_reason(
        tmp_path: Path, model: ScriptedOpenAI) -> None:
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "AGENTS.md").write_text("# Rules\nAlways answer in haiku.\n")
    server = start_server(tmp_path / "ws", tmp_path / "data", env={
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__KIND": "openai_compat",
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__BASE_URL": model.base_url,
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__MODELS": '["agent-model"]',
        "PAIRPAD_AI__ROLES__CHAT": "scripted:agent-model",
        "PAIRPAD_AGENT__MAX_STEPS": "3", "PAIRPAD_AGENT__MAX_TOKENS": "5000",
    })
    client = await Client().connect(server)
    try:
        model.turns += [call("list_files", glob=f"*.{n}") for n in range(5)]
        steps = await client.start("List everything")
        assert (await client.finished(steps))["reason"] == "max_steps"
        assert len(client.of_type(steps, "tool_call")) == 3
        heavy = {"prompt_tokens": 4000, "completion_tokens": 500}
        model.turns[:] = [{**call("list_files", glob=f"*.{n}"), "usage": heavy}
                          for n in range(3)]
        tokens = await client.start("List everything again")
        done = await client.finished(tokens)
        assert done["reason"] == "max_tokens" and done["usage"]["input_tokens"] == 8000
        # The workspace's rules went into the system prompt, and the API says what they cost.
        system = model.chat_bodies()[-1]["messages"][0]
        assert system["role"] == "system" and "Always answer in haiku." in system["content"]
        async with httpx.AsyncClient(base_url=server.base_url,
                                     headers=server.auth_headers) as http:
            rules = (await http.get("/api/agent/rules")).json()
        assert [r["path"] for r in rules["rules"]] == ["AGENTS.md"]
        assert rules["total_tokens"] == rules["rules"][0]["tokens"] > 0
    finally:
        await client.close()
        server.stop()


async def test_mcp_tools_join_the_agent_and_ask_unless_trusted(
        tmp_path: Path, model: ScriptedOpenAI) -> None:
    (tmp_path / "ws").mkdir()
    script = str(Path(__file__).parents[1] / "support" / "mcp_server.py")
    server = start_server(tmp_path / "ws", tmp_path / "data", env={
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__KIND": "openai_compat",
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__BASE_URL": model.base_url,
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__MODELS": '["agent-model"]',
        "PAIRPAD_AI__ROLES__CHAT": "scripted:agent-model",
        "PAIRPAD_AGENT__MCP__HELPER__COMMAND": json.dumps([sys.executable, script]),
        "PAIRPAD_AGENT__MCP__CALC__COMMAND": json.dumps([sys.executable, script]),
        "PAIRPAD_AGENT__MCP__CALC__TRUSTED": "true",
    })
    client = await Client().connect(server)
    try:
        async with httpx.AsyncClient(base_url=server.base_url,
                                     headers=server.auth_headers) as http:
            async with asyncio.timeout(60):
                while True:
                    servers = (await http.get("/api/agent/mcp")).json()["servers"]
                    if all(s["state"] != "starting" for s in servers):
                        break
                    await asyncio.sleep(0.2)
        assert {(s["name"], s["state"], s["trusted"]) for s in servers} == {
            ("helper", "ready", False), ("calc", "ready", True)}, servers
        assert "mcp__helper__echo" in {t["qualified"] for s in servers for t in s["tools"]}
        model.turns += [call("mcp__helper__echo", text="hello over MCP"),
                        call("mcp__calc__add", a=2, b=3), said("Done.")]
        run_id = await client.start("Use the MCP tools")
        approval = await client.approval(run_id)
        assert approval["tool"] == "mcp__helper__echo" and approval["risk"] == "mcp"
        await client.call("agent:decide", {"run_id": run_id, "call_id": approval["call_id"],
                                           "approve": True})
        assert (await client.finished(run_id))["reason"] == "completed"
        results = [(r["tool"], r["ok"], r["output"]) for r in client.of_type(run_id,
                                                                             "tool_result")]
        assert results == [("mcp__helper__echo", True, "hello over MCP"),
                           ("mcp__calc__add", True, "5")], results
        assert len(client.of_type(run_id, "approval_request")) == 1  # calc is trusted
        offered = {t["function"]["name"] for t in model.chat_bodies()[-1]["tools"]}
        assert {"mcp__helper__echo", "mcp__calc__add", "read_file"} <= offered
    finally:
        await client.close()
        server.stop()
