"""The Socket.IO connection gauge (SOCKET_CONNECTIONS), counted once per accepted socket.

A socket is counted when its connect handler accepted it and uncounted at its
disconnect; both are keyed by (namespace, sid) and idempotent, so a refused connect never
counts, and a disconnect reported twice (or for a socket never counted) never takes the
gauge below what was counted.
"""

from __future__ import annotations

from pairpad.telemetry.metrics import SOCKET_CONNECTIONS

_open: set[tuple[str, str]] = set()


def socket_connected(namespace: str, sid: str) -> None:
    key = (namespace, sid)
    if key not in _open:
        _open.add(key)
        SOCKET_CONNECTIONS.inc()


def socket_disconnected(namespace: str, sid: str) -> None:
    key = (namespace, sid)
    if key in _open:
        _open.discard(key)
        SOCKET_CONNECTIONS.dec()
