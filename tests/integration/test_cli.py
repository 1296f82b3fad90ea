"""The real `pairpad open` over loopback: URL line, runtime file, ports, security, clean stop."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import socketio

from tests.support.server import RunningServer, start_server


@pytest.fixture
def server(workspace: Path, data_dir: Path) -> Iterator[RunningServer]:
    running = start_server(workspace, data_dir)
    yield running
    running.stop()


def test_version_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pairpad", "version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("pairpad 0.")


def test_open_rejects_a_missing_folder(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pairpad", "open", str(tmp_path / "nope"), "--no-browser"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "is not a folder" in result.stderr


def test_prints_url_and_serves_health(server: RunningServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:")
    response = httpx.get(f"{server.base_url}/api/health")
    assert response.status_code == 200


def test_runtime_file_is_private_and_removed_on_exit(server: RunningServer, data_dir: Path) -> None:
    files = list((data_dir / "runtime").glob("server-*.json"))
    assert len(files) == 1
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    content = json.loads(files[0].read_text())
    assert content["token"] == server.token
    assert content["url"] == server.login_url
    server.stop()
    assert not files[0].exists()


def test_token_option_and_env(workspace: Path, data_dir: Path) -> None:
    by_flag = start_server(workspace, data_dir, "--token", "flag-token-123")
    try:
        assert by_flag.token == "flag-token-123"
    finally:
        by_flag.stop()
    by_env = start_server(workspace, data_dir, env={"PAIRPAD_TOKEN": "env-token-456"})
    try:
        assert by_env.token == "env-token-456"
        response = httpx.get(f"{by_env.base_url}/api/settings", headers=by_env.auth_headers)
        assert response.status_code == 200
    finally:
        by_env.stop()


def test_the_token_survives_a_restart_unless_given(workspace: Path, data_dir: Path) -> None:
    """A restarted server keeps the browser's cookie valid, so open tabs reconnect."""
    first = start_server(workspace, data_dir)
    first.stop()
    second = start_server(workspace, data_dir)
    try:
        assert second.token == first.token
        assert stat.S_IMODE((data_dir / "token").stat().st_mode) == 0o600
        response = httpx.get(f"{second.base_url}/api/workspace", headers=first.auth_headers)
        assert response.status_code == 200
    finally:
        second.stop()
    given = start_server(workspace, data_dir, "--token", "given-token-789")
    given.stop()
    assert given.token == "given-token-789"
    assert (data_dir / "token").read_text() == first.token


def test_busy_port_falls_back_to_a_free_one(workspace: Path, data_dir: Path) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        busy = blocker.getsockname()[1]
        running = start_server(workspace, data_dir, "--port", str(busy))
        try:
            port = int(running.base_url.rsplit(":", 1)[1])
            assert port != busy
            assert httpx.get(f"{running.base_url}/api/health").status_code == 200
        finally:
            running.stop()


def test_ctrl_c_stops_cleanly_without_traceback(server: RunningServer) -> None:
    code = server.stop(signal.SIGINT)
    output = "".join(server.output)
    assert code == 0
    assert "Traceback" not in output


def test_sigterm_stops_cleanly(server: RunningServer) -> None:
    assert server.stop(signal.SIGTERM) == 0
    assert "Traceback" not in "".join(server.output)


def test_token_login_flow_over_loopback(server: RunningServer) -> None:
    with httpx.Client(base_url=server.base_url) as http:
        redirect = http.get(f"/?token={server.token}")
        assert redirect.status_code == 303
        assert http.get("/api/workspace").status_code == 200


def test_dns_rebinding_host_is_refused(server: RunningServer) -> None:
    response = httpx.get(
        f"{server.base_url}/api/workspace",
        headers={**server.auth_headers, "Host": "evil.example"},
    )
    assert response.status_code == 403


async def _socket_connect(server: RunningServer, **kwargs: object) -> socketio.AsyncClient:
    client = socketio.AsyncClient(reconnection=False)
    try:
        await client.connect(server.base_url, transports=["websocket"], wait_timeout=10, **kwargs)  # type: ignore[arg-type]
    except socketio.exceptions.ConnectionError:
        await client.eio._reset()  # a refused handshake leaves engineio's HTTP session open
        raise
    return client


async def test_socketio_accepts_the_token(server: RunningServer) -> None:
    client = await _socket_connect(server, auth={"token": server.token})
    assert client.connected
    await client.disconnect()


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"auth": {"token": "wrong"}},
        {"headers": {"Origin": "http://evil.example"}},
        {"headers": {"Host": "evil.example"}},
    ],
    ids=["no-credentials", "wrong-token", "foreign-origin", "foreign-host"],
)
async def test_socketio_refuses(server: RunningServer, kwargs: dict[str, object]) -> None:
    if "headers" in kwargs:
        kwargs = {**kwargs, "auth": {"token": server.token}}
    with pytest.raises(socketio.exceptions.ConnectionError):
        await _socket_connect(server, **kwargs)


def descendants(pid: int) -> list[int]:
    found: list[int] = []
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        listing = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(parent)], capture_output=True, text=True
        ).stdout.split()
        children = [int(child) for child in listing]
        found += children
        frontier += children
    return found


def test_process_is_gone_after_stop(server: RunningServer) -> None:
    # The llama.cpp child starts lazily, so here only the server itself is checked;
    # test_chat_socket.py's restart test checks that the model server goes with it.
    pid = server.process.pid
    spawned = descendants(pid)
    server.stop(signal.SIGINT)
    for process_id in [pid, *spawned]:
        with pytest.raises(ProcessLookupError):
            os.kill(process_id, 0)


async def test_socket_and_http_share_one_port(server: RunningServer) -> None:
    client = await _socket_connect(server, auth={"token": server.token})
    try:
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            assert (await http.get("/api/health")).status_code == 200
    finally:
        await client.disconnect()
    await asyncio.sleep(0)


def test_opens_the_browser_unless_told_not_to(
    workspace: Path, data_dir: Path, tmp_path: Path
) -> None:
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "fake-browser"
    browser.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n')
    browser.chmod(0o755)
    process = subprocess.Popen(
        [sys.executable, "-m", "pairpad", "open", str(workspace), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("PAIRPAD_")},
            "PAIRPAD_DATA_DIR": str(data_dir),
            "BROWSER": f"{browser} %s",  # honoured by Python's webbrowser module
            "DISPLAY": "",
        },
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        url = line.removeprefix("Pairpad is running at ")
        for _ in range(200):
            if opened.exists():
                break
            time.sleep(0.05)
        assert opened.read_text().strip() == url
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
        process.stdout.close()  # type: ignore[union-attr]


def test_host_option_binds_that_address(workspace: Path, data_dir: Path) -> None:
    running = start_server(workspace, data_dir, "--host", "127.0.0.2")
    try:
        assert running.base_url.startswith("http://127.0.0.2:")
        assert httpx.get(f"{running.base_url}/api/health").status_code == 200
    finally:
        running.stop()


def test_log_lines_carry_the_request_id(server: RunningServer) -> None:
    response = httpx.get(f"{server.base_url}/api/workspace", headers=server.auth_headers)
    request_id = response.headers["x-request-id"]
    server.stop()
    lines = [json.loads(line) for line in server.output if line.startswith("{")]
    matching = [line for line in lines if line.get("request_id") == request_id]
    assert matching, "no JSON log line carries the response's request id"
    assert matching[0]["path"] == "/api/workspace"
    assert matching[0]["status"] == 200
