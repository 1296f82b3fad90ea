"""Finding 10 of issue 9: a connection that never finishes its request head is closed.

Against the real `pairpad open` (uvicorn, our protocol class), with raw sockets.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support.server import RunningServer, start_server

ENV = {
    "PAIRPAD_HEADER_TIMEOUT": "0.5",
    "PAIRPAD_INDEX__ENABLED": "false",
    "PAIRPAD_AI__LOCAL__PRELOAD": "false",
}


@pytest.fixture
def server(workspace: Path, data_dir: Path) -> Iterator[RunningServer]:
    running = start_server(workspace, data_dir, env=ENV)
    yield running
    running.stop()


def _connect(server: RunningServer) -> socket.socket:
    url = urlsplit(server.base_url)
    sock = socket.create_connection((url.hostname, url.port), timeout=30)
    sock.settimeout(30)  # far past the 0.5 s deadline: only a hang reaches it
    return sock


@pytest.mark.parametrize(
    "sent",
    [b"", b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n", b"GET /api/heal"],
    ids=["nothing", "headers-unfinished", "request-line-unfinished"],
)
def test_finding_10_a_half_open_request_head_is_closed(server: RunningServer, sent: bytes) -> None:
    with _connect(server) as sock:
        sock.sendall(sent)
        assert sock.recv(1024) == b""  # EOF: the server closed it (a hang raises TimeoutError)
    # and the server still answers complete requests
    response = httpx.get(f"{server.base_url}/api/health", headers={"Host": server.host_header})
    assert response.status_code == 200


def test_a_slow_but_complete_request_is_answered(server: RunningServer) -> None:
    with _connect(server) as sock:
        host = server.host_header.encode()
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: " + host + b"\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
