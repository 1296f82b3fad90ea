"""The MCP hub (ai/agent/mcp.py) against a real MCP server (tests/support/mcp_server.py, built
with the SDK) run as a stdio child process and over streamable HTTP on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import mcp_types
import pytest

from pairpad.ai.agent.mcp import McpHub, qualified_name, result_text
from pairpad.ai.agent.settings import McpServerSettings

SERVER = str(Path(__file__).parents[1] / "support" / "mcp_server.py")
Hub = Callable[..., Any]


def stdio(**extra: Any) -> McpServerSettings:
    return McpServerSettings(command=[sys.executable, SERVER], **extra)


@pytest.fixture
async def make_hub(tmp_path: Path) -> AsyncIterator[Hub]:
    hubs: list[McpHub] = []

    async def make(servers: dict[str, McpServerSettings], **kwargs: Any) -> McpHub:
        hub = McpHub(servers, tmp_path, **kwargs)
        hubs.append(hub)
        await hub.start()
        async with asyncio.timeout(30):
            await hub.wait_ready()
        return hub

    yield make
    for hub in hubs:
        await hub.stop()


def state(hub: McpHub, name: str) -> tuple[str, str | None]:
    [server] = [s for s in hub.status() if s.name == name]
    return server.state, server.error


async def test_lists_and_calls_the_tools_of_a_stdio_server(make_hub: Hub) -> None:
    hub = await make_hub({"test": stdio(trusted=True)})

    assert state(hub, "test") == ("ready", None)
    tools = {t.qualified: t for t in hub.tools()}
    assert {"mcp__test__echo", "mcp__test__add", "mcp__test__fail"} <= set(tools)
    add = tools["mcp__test__add"]
    assert (add.server, add.name, add.trusted) == ("test", "add", True)
    assert add.description == "Adds two integers."
    assert add.input_schema["properties"].keys() == {"a", "b"}
    [status] = hub.status()
    assert status.as_dict()["transport"] == "stdio"
    assert {"name": "echo", "qualified": "mcp__test__echo",
            "description": "Returns the text."} in status.as_dict()["tools"]

    result = await hub.call("mcp__test__add", {"a": 2, "b": 40})
    assert (result.ok, result.text) == (True, "42")
    echoed = await hub.call("mcp__test__echo", {"text": "héllo"})
    assert (echoed.ok, echoed.text) == (True, "héllo")


async def test_a_tool_error_is_a_failed_result_with_its_message(make_hub: Hub) -> None:
    hub = await make_hub({"test": stdio()})
    result = await hub.call("mcp__test__fail", {"message": "the disk is full"})
    assert not result.ok
    assert "the disk is full" in result.text
    unknown = await hub.call("mcp__test__nope", {})
    assert not unknown.ok and "No MCP tool is called 'mcp__test__nope'" in unknown.text


async def test_tools_list_changed_refreshes_the_tools(make_hub: Hub) -> None:
    changes: list[set[str]] = []
    hub: McpHub | None = None

    def on_change() -> None:
        if hub is not None:
            changes.append({t.qualified for t in hub.tools()})

    hub = await make_hub({"test": stdio()}, on_change=on_change)
    assert "mcp__test__shout" not in {t.qualified for t in hub.tools()}

    grown = await hub.call("mcp__test__grow", {})
    assert grown.ok, grown.text
    async with asyncio.timeout(10):
        while "mcp__test__shout" not in {t.qualified for t in hub.tools()}:
            await asyncio.sleep(0.02)

    assert any("mcp__test__shout" in names for names in changes)  # on_change was told
    shout = await hub.call("mcp__test__shout", {"text": "quiet"})
    assert (shout.ok, shout.text) == (True, "QUIET")


async def test_the_server_gets_a_minimal_environment_and_the_workspace_as_cwd(
        make_hub: Hub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-sentinel-secret")
    monkeypatch.setenv("PAIRPAD_TOKEN", "sentinel-token")
    monkeypatch.setenv("LANG", "C.UTF-8")
    hub = await make_hub({"test": stdio(env={"SERVER_OWN": "1"})})

    result = await hub.call("mcp__test__env_keys", {})
    keys = set(result.text.split("\n"))
    assert result.ok
    assert "OPENAI_API_KEY" not in keys and "PAIRPAD_TOKEN" not in keys
    assert {"PATH", "LANG", "SERVER_OWN"} <= keys
    # Only the named variables (and what the interpreter itself sets) get through.
    assert keys <= {"PATH", "HOME", "LANG", "TMPDIR", "SERVER_OWN", "LC_CTYPE"}
    cwd = await hub.call("mcp__test__cwd", {})
    assert Path(cwd.text).resolve() == tmp_path.resolve()


async def test_a_program_that_does_not_exist_fails_readably_and_others_still_start(
        make_hub: Hub) -> None:
    hub = await make_hub({
        "ghost": McpServerSettings(command=["pairpad-no-such-mcp-server", "--stdio"]),
        "test": stdio(),
    })
    ghost, error = state(hub, "ghost")
    assert ghost == "failed"
    assert error is not None
    assert error.startswith("program not found: 'pairpad-no-such-mcp-server' on PATH")
    assert state(hub, "test")[0] == "ready"
    assert all(t.server == "test" for t in hub.tools())
    refused = await hub.call(qualified_name("ghost", "x"), {})
    assert not refused.ok


async def test_a_server_that_exits_at_start_says_its_code_and_stderr(make_hub: Hub) -> None:
    bad = McpServerSettings(command=[
        sys.executable, "-c",
        "import sys; print('config.json: bad token', file=sys.stderr); sys.exit(3)"])
    hub = await make_hub({"bad": bad})
    status, error = state(hub, "bad")
    assert status == "failed"
    assert error is not None
    assert "exited with code 3 before it was ready" in error
    assert "config.json: bad token" in error


async def test_a_server_that_dies_mid_call_fails_the_call_and_is_marked_failed(
        make_hub: Hub) -> None:
    hub = await make_hub({"test": stdio()})
    result = await hub.call("mcp__test__crash", {})
    assert not result.ok
    assert result.text.startswith("The MCP server 'test' failed during crash: ")
    assert "exited with code 3" in result.text
    async with asyncio.timeout(10):
        while state(hub, "test")[0] != "failed":
            await asyncio.sleep(0.02)
    error = state(hub, "test")[1]
    assert error is not None
    assert "exited with code 3" in error and "crashing on purpose" in error
    assert hub.tools() == []
    after = await hub.call("mcp__test__echo", {"text": "x"})
    assert not after.ok and "not running (failed)" in after.text


async def test_a_server_not_ready_in_time_fails_and_is_stopped(make_hub: Hub) -> None:
    mute = McpServerSettings(command=[sys.executable, "-c", "import time; time.sleep(60)"],
                             start_timeout_s=0.5)
    started = time.monotonic()
    hub = await make_hub({"mute": mute})
    assert time.monotonic() - started < 10
    status, error = state(hub, "mute")
    assert status == "failed"
    assert error is not None and "not ready within 0.5 s" in error


async def test_start_does_not_wait_for_servers(tmp_path: Path) -> None:
    mute = McpServerSettings(command=[sys.executable, "-c", "import time; time.sleep(60)"])
    hub = McpHub({"mute": mute}, tmp_path)
    started = time.monotonic()
    await hub.start()
    assert time.monotonic() - started < 1
    assert state(hub, "mute") == ("starting", None)
    await hub.stop()
    assert state(hub, "mute") == ("stopped", None)
    assert time.monotonic() - started < 10  # stdin closed, SIGTERM: no waiting out 60 s


async def test_a_call_times_out_and_the_server_stays_usable(make_hub: Hub) -> None:
    hub = await make_hub({"test": stdio(call_timeout_s=0.5)})
    slow = await hub.call("mcp__test__sleep", {"seconds": 20})
    assert not slow.ok and "did not answer sleep within 0.5 s" in slow.text
    fast = await hub.call("mcp__test__echo", {"text": "still here"})
    assert (fast.ok, fast.text) == (True, "still here")


async def test_a_call_is_cancelled_by_the_event(make_hub: Hub) -> None:
    hub = await make_hub({"test": stdio()})
    cancel = asyncio.Event()
    asyncio.get_running_loop().call_later(0.3, cancel.set)
    started = time.monotonic()
    result = await hub.call("mcp__test__sleep", {"seconds": 20}, cancel)
    assert (result.ok, result.text) == (False, "Cancelled.")
    assert time.monotonic() - started < 5


async def test_a_disabled_server_is_not_started(make_hub: Hub) -> None:
    hub = await make_hub({"off": stdio(enabled=False)})
    assert state(hub, "off") == ("stopped", None)
    assert hub.tools() == []


# ---- streamable HTTP ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def http_process() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    process = subprocess.Popen([sys.executable, SERVER, "--http", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, "the MCP HTTP server exited"
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            assert time.monotonic() < deadline, "the MCP HTTP server did not listen"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", process
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def http_server(http_process: tuple[str, subprocess.Popen[bytes]]) -> str:
    return http_process[0]


async def test_calls_a_tool_of_a_streamable_http_server(make_hub: Hub, http_server: str) -> None:
    hub = await make_hub({
        "web": McpServerSettings(url=f"{http_server}/mcp", headers={"X-Test": "1"}),
        "wrong-path": McpServerSettings(url=f"{http_server}/nope"),
    })
    assert state(hub, "web") == ("ready", None)
    [web] = [s for s in hub.status() if s.name == "web"]
    assert web.transport == "http"
    result = await hub.call("mcp__web__add", {"a": 1, "b": 2})
    assert (result.ok, result.text) == (True, "3")
    sent = await hub.call("mcp__web__header", {"name": "X-Test"})
    assert (sent.ok, sent.text) == (True, "1")  # the server's configured headers are sent
    status, error = state(hub, "wrong-path")
    assert status == "failed"
    assert error == f"{http_server}/nope answered HTTP 404 (Not Found)"


async def test_an_http_server_that_goes_away_fails_the_call_and_is_marked_failed(
        make_hub: Hub, http_process: tuple[str, subprocess.Popen[bytes]]) -> None:
    url, process = http_process
    hub = await make_hub({"web": McpServerSettings(url=f"{url}/mcp")})
    assert state(hub, "web") == ("ready", None)
    process.kill()
    process.wait(10)

    result = await hub.call("mcp__web__echo", {"text": "anyone?"})
    assert not result.ok
    assert result.text.startswith("The MCP server 'web' failed during echo: ")
    assert f"{url}/mcp could not be reached" in result.text
    assert state(hub, "web")[0] == "failed"
    again = await hub.call("mcp__web__echo", {"text": "x"})
    assert not again.ok and "not running (failed)" in again.text


async def test_an_http_server_that_is_not_there_fails_readably(make_hub: Hub) -> None:
    url = f"http://127.0.0.1:{free_port()}/mcp"
    hub = await make_hub({"gone": McpServerSettings(url=url, start_timeout_s=10)})
    status, error = state(hub, "gone")
    assert status == "failed"
    assert error is not None and error.startswith(f"{url} could not be reached:")


# ---- names and results ----------------------------------------------------------------


def test_qualified_names_are_sanitised_and_short_enough() -> None:
    assert qualified_name("git", "log") == "mcp__git__log"
    assert qualified_name("my server", "read.file/v2") == "mcp__my_server__read_file_v2"
    long_a = qualified_name("s", "x" * 80 + "a")
    long_b = qualified_name("s", "x" * 80 + "b")
    assert len(long_a) == len(long_b) == 64
    assert long_a != long_b
    assert all(c.isalnum() or c in "_-" for c in long_a)


def test_result_text_joins_text_and_describes_other_parts() -> None:
    result = mcp_types.CallToolResult(content=[
        mcp_types.TextContent(type="text", text="first"),
        mcp_types.ImageContent(type="image", data="AAAA", mime_type="image/png"),
        mcp_types.TextContent(type="text", text="second"),
    ])
    assert result_text(result) == "first\n[image image/png, 3 bytes, not shown]\nsecond"
    assert result_text(mcp_types.CallToolResult(content=[])) == "(no output)"
