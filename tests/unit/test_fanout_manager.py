"""The Socket.IO fan-out manager with Redis down: an emit never raises or waits on it (the
instance's own clients are served first by python-socketio), and it is logged once."""

from __future__ import annotations

import socket
import time

import structlog

from pairpad.team.fanout import FanOutManager


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port  # nothing listens on it once closed


async def test_publishing_to_a_dead_redis_neither_raises_nor_waits() -> None:
    manager = FanOutManager(f"redis://127.0.0.1:{_closed_port()}/0")
    started = time.monotonic()
    with structlog.testing.capture_logs() as logs:
        for n in range(50):
            await manager._publish({"method": "emit", "event": "chat:delta", "data": [n]})
    assert time.monotonic() - started < 3
    warnings = [entry for entry in logs if entry["log_level"] == "warning"]
    assert len(warnings) == 1, logs
    assert "cannot publish to Redis" in warnings[0]["event"]
    await manager.close()
