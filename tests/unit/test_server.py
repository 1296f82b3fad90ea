from __future__ import annotations

import socket
import stat
from pathlib import Path

from pairpad.server import bind_socket, public_url, write_runtime_file


def test_listening_socket_is_tcp_so_connections_get_nodelay() -> None:
    # asyncio sets TCP_NODELAY on accepted sockets only when the listener's proto is TCP.
    with bind_socket("127.0.0.1", 0) as sock:
        assert sock.proto == socket.IPPROTO_TCP


def test_busy_port_falls_back() -> None:
    with bind_socket("127.0.0.1", 0) as first:
        first.listen()
        with bind_socket("127.0.0.1", first.getsockname()[1]) as second:
            assert second.getsockname()[1] != first.getsockname()[1]


def test_public_url_forms() -> None:
    assert public_url("127.0.0.1", 80, "t") == "http://127.0.0.1:80/?token=t"
    assert public_url("::1", 80, "t") == "http://[::1]:80/?token=t"
    assert public_url("0.0.0.0", 80, "t") == "http://127.0.0.1:80/?token=t"
    assert public_url("0.0.0.0", 80, None) == "http://127.0.0.1:80/"  # team mode


def test_runtime_file_is_0600(tmp_path: Path) -> None:
    path = write_runtime_file(tmp_path / "rt", "http://x/?token=t", "t", tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
