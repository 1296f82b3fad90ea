"""The event models match what the front end listens for: wire names and payload fields.

Reads `frontend/src`: its `socket.on("…")` and `wb.socketHandler(id, "…")` calls, and the
generated `api/generated/events.ts`, so that a renamed event or field on either side fails.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

from pairpad.events.models import SERVER_EVENTS

FRONTEND = Path(__file__).resolve().parents[3] / "frontend" / "src"
SOCKET_IO_BUILTINS = {"connect", "disconnect", "connect_error"}
# Server events no front-end code listens for yet, each with the issue that adds its listener.
# Remove an entry when its UI lands: the test then holds both sides again.
NOT_YET_LISTENED: dict[str, str] = {}
LISTEN = re.compile(
    r"""(?:\bsocket\.on|\bsocketHandler)\(\s*(?:"[^"]*",\s*)?"(?P<name>[^"]+)",\s*"""
    r"""(?:async\s*)?\(?\s*(?:\w+\??\s*:\s*(?P<type>\{[^}]*\}|\w+))?""")


def _sources() -> str:
    return "\n".join(path.read_text() for path in sorted(FRONTEND.rglob("*.ts*"))
                     if ".test." not in path.name)


def _interface_fields(source: str, name: str) -> set[str]:
    match = re.search(rf"(?:interface {name}\s*|type {name}\s*=\s*)\{{", source)
    assert match, f"the front end declares {name}"
    depth, body = 1, []
    for char in source[match.end():]:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            break
        body.append(char if depth == 1 else "")  # a nested object type's keys are not fields
    return _fields("".join(body))


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
    assert set(listened) == {event.name for event in SERVER_EVENTS} - set(NOT_YET_LISTENED)
    assert not set(listened) & set(NOT_YET_LISTENED), "listened now: drop it from the list"


def test_the_generated_event_types_cover_every_event_and_field() -> None:
    """The front end's payload types are generated from these models (`make api-types`,
    checked fresh by `make check-api-types`; tsc then checks every handler against them).
    Here: the generated map names every server event, with every field of its model."""
    generated = (FRONTEND / "api" / "generated" / "events.ts").read_text()
    mapping = re.search(r"export interface ServerEvents \{(?P<body>[^}]*)\}", generated)
    assert mapping, "generated/events.ts declares ServerEvents"
    entries = dict(re.findall(r'"([^"]+)":\s*(\w+);', mapping["body"]))
    assert set(entries) == {event.name for event in SERVER_EVENTS}
    for event in SERVER_EVENTS:
        assert _interface_fields(generated, entries[event.name]) == _model_fields(event), (
            event.name)


def test_handlers_take_the_generated_payload_types() -> None:
    """No hand-written payload type next to a listener: the generated ones are the only ones."""
    inline = [(name, declared) for name, types in _listened(_sources()).items()
              for declared in types if declared is not None and declared.startswith("{")]
    assert inline == []


def test_wire_names_are_unique_and_namespaced() -> None:
    names = [event.name for event in SERVER_EVENTS]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*:[a-z]+", name) for name in names)
