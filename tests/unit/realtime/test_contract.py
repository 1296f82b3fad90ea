"""The event models match what the front end listens for: wire names and payload fields.

Reads `frontend/src` (its `socket.on("…")` and `wb.socketHandler(id, "…")` calls and the
payload types they declare) so that a renamed event or field on either side fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

from pairpad.realtime.events import (
    SERVER_EVENTS,
    ChatStarted,
    ContextEntry,
    FsChangeEntry,
    TokenUsage,
)

FRONTEND = Path(__file__).resolve().parents[3] / "frontend" / "src"
SOCKET_IO_BUILTINS = {"connect", "disconnect", "connect_error"}
LISTEN = re.compile(
    r"""(?:\bsocket\.on|\bsocketHandler)\(\s*(?:"[^"]*",\s*)?"(?P<name>[^"]+)",\s*"""
    r"""(?:async\s*)?\(?\s*(?:\w+\??\s*:\s*(?P<type>\{[^}]*\}|\w+))?""")


def _sources() -> str:
    return "\n".join(path.read_text() for path in sorted(FRONTEND.rglob("*.ts*"))
                     if ".test." not in path.name)


def _interface_fields(source: str, name: str) -> set[str]:
    match = re.search(rf"(?:interface {name}\s*|type {name}\s*=\s*)\{{(?P<body>[^}}]*)\}}",
                      source)
    assert match, f"the front end declares {name}"
    return _fields(match["body"])


def _fields(body: str) -> set[str]:
    body = re.sub(r"/\*.*?\*/|//[^\n]*", "", body, flags=re.S)
    return {m[1] for m in re.finditer(r"(\w+)\??\s*:", body)}


def _listened(source: str) -> dict[str, list[str | None]]:
    found: dict[str, list[str | None]] = {}
    for match in LISTEN.finditer(source):
        if match["name"] not in SOCKET_IO_BUILTINS:
            found.setdefault(match["name"], []).append(match["type"])
    return found


def _model_fields(model: type[BaseModel]) -> set[str]:
    return set(model.model_fields)


def test_every_event_the_front_end_listens_for_is_a_server_event_and_vice_versa() -> None:
    listened = _listened(_sources())
    assert {"fs:changed", "chat:delta", "chat:done"} <= set(listened)  # the parser finds them
    assert set(listened) == {event.name for event in SERVER_EVENTS}


def test_the_payload_fields_the_front_end_reads_exist_in_the_models() -> None:
    source = _sources()
    by_name = {event.name: event for event in SERVER_EVENTS}
    checked = 0
    for name, types in _listened(source).items():
        for declared in types:
            if declared is None or declared in ("any", "unknown"):
                continue
            fields = (_fields(declared) if declared.startswith("{")
                      else _interface_fields(source, declared))
            assert fields <= _model_fields(by_name[name]), (name, fields)
            checked += 1
    assert checked >= 5


def test_nested_payload_types_match() -> None:
    source = _sources()
    assert _interface_fields(source, "ContextReport") == _model_fields(ContextEntry)
    assert _interface_fields(source, "Usage") == _model_fields(TokenUsage)
    assert _interface_fields(source, "FsChange") == _model_fields(FsChangeEntry)
    assert {"context", "budget"} <= _model_fields(ChatStarted)


def test_wire_names_are_unique_and_namespaced() -> None:
    names = [event.name for event in SERVER_EVENTS]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z]+:[a-z]+", name) for name in names)
