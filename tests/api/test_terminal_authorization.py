"""Every `term:*` Socket.IO handler asks the authorizer for `execute` on `terminal` first: a
policy that refuses it gets 403 on each event and no shell is started."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from pairpad.auth.authorizer import Action, Resource
from pairpad.auth.identity import Identity
from pairpad.events.models import ServerEvent
from pairpad.realtime.handlers.terminal import register_terminal_handlers
from pairpad.runtime.settings import TerminalSettings
from pairpad.runtime.terminals import TerminalService


class Refusing:
    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def is_allowed(self, identity: Identity, action: Action, resource: Resource) -> bool:
        self.asked.append((action, resource))
        return resource != "terminal"


class FakeSio:
    def __init__(self, identity: Identity | None) -> None:
        self.handlers: dict[str, Any] = {}
        self.identity = identity

    def on(self, name: str, handler: Any) -> None:
        self.handlers[name] = handler

    async def get_session(self, sid: str) -> dict[str, Any]:
        return {} if self.identity is None else {"identity": self.identity}


class FakeRealtime:
    def __init__(self, sio: FakeSio) -> None:
        self.sio = sio

    def on_disconnect(self, listener: Callable[[str], Awaitable[None]]) -> None:
        return None


class NoBus:
    async def publish(self, event: ServerEvent) -> None:
        return None


EVENTS = [("term:open", {"cols": 80, "rows": 24}), ("term:open", {"term_id": "x"}),
          ("term:input", {"term_id": "x", "data": "id\r"}),
          ("term:resize", {"term_id": "x", "cols": 80, "rows": 24}),
          ("term:ack", {"term_id": "x", "offset": 1}), ("term:close", {"term_id": "x"}),
          ("term:list", {})]


@pytest.mark.parametrize(("event", "payload"), EVENTS)
async def test_a_policy_that_refuses_the_terminal_gets_403(
    tmp_path: Path, event: str, payload: dict[str, Any]
) -> None:
    sio = FakeSio(Identity("local", "socket-auth"))
    terminals = TerminalService(TerminalSettings(), tmp_path, NoBus())
    policy = Refusing()
    register_terminal_handlers(FakeRealtime(sio), terminals, policy)  # type: ignore[arg-type]
    ack = await sio.handlers[event]("sid1", payload)
    assert ack == {"error": "Not allowed: execute on terminal.", "status": 403}
    assert policy.asked == [("execute", "terminal")]
    assert terminals.list() == []


async def test_a_socket_without_identity_gets_401(tmp_path: Path) -> None:
    sio = FakeSio(None)
    terminals = TerminalService(TerminalSettings(), tmp_path, NoBus())
    register_terminal_handlers(FakeRealtime(sio), terminals)  # type: ignore[arg-type]
    ack = await sio.handlers["term:open"]("sid1", {"cols": 80, "rows": 24})
    assert ack["status"] == 401 and terminals.list() == []
