"""Socket.IO handlers of the integrated terminal (runtime/terminals.py does the PTYs).

- `term:open {cols, rows}` -> `{term_id, title, shell, cwd, cols, rows}`: a new terminal;
  the socket joins its room (`term:{term_id}`) and holds it.
- `term:open {term_id, offset?}` -> the same plus `{scrollback, offset, exited, exit_code,
  signal}`: reattach (after a reload). `scrollback` is the kept tail of the output and
  `offset` where it ends: skip `term:output` events whose `offset` is below it. With the
  request's `offset` (what the client already has) the scroll-back starts there when it
  still reaches back that far. 404 unknown.
- `term:input {term_id, data}`, `term:resize {term_id, cols, rows}`, `term:ack {term_id,
  offset}` (drawn up to `offset`: flow control), `term:close {term_id}` -> `{ok: true}`.
- `term:list {}` -> `{terminals: [{term_id, title, cols, rows, exited}]}`.
Server -> client (the bus): `term:output {term_id, data, offset}`, `term:exit {term_id,
exit_code, signal, reason}`. A socket that disconnects stops holding its terminals; one
nobody holds is killed after `terminal.grace_s`.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from pairpad.auth.authorizer import Authorizer, Policy, Resource
from pairpad.errors import PairpadError
from pairpad.events.models import terminal_room
from pairpad.realtime.handlers.acks import error_ack, refusal_check, validation_detail
from pairpad.realtime.socketio_adapter import SocketIOAdapter
from pairpad.runtime.terminals import TerminalService

RESOURCE: Resource = "terminal"
MAX_INPUT_CHARS = 64 * 1024

Size = Annotated[StrictInt, Field(ge=1, le=1000)]
TermId = Annotated[StrictStr, Field(min_length=1, max_length=64)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="ignore")


T = TypeVar("T", bound=_Request)


class OpenNew(_Request):
    cols: Size = 80
    rows: Size = 24


class Reattach(_Request):
    term_id: TermId
    offset: Annotated[StrictInt, Field(ge=0)] | None = None


class Input(_Request):
    term_id: TermId
    data: StrictStr


class Resize(_Request):
    term_id: TermId
    cols: Size
    rows: Size


class Ack(_Request):
    term_id: TermId
    offset: Annotated[StrictInt, Field(ge=0)]


class Close(_Request):
    term_id: TermId


def register_terminal_handlers(
    realtime: SocketIOAdapter, terminals: TerminalService, authorizer: Policy | None = None
) -> None:
    sio = realtime.sio
    refused = refusal_check(sio, authorizer or Authorizer(), RESOURCE)

    def joiner(sid: str) -> Any:
        async def join(term_id: str) -> None:
            await sio.enter_room(sid, terminal_room(term_id))
        return join

    def parse(model: type[T], data: Any, usage: str) -> T | dict[str, Any]:
        if not isinstance(data, dict):
            return error_ack(f"Expected an object: {usage}", 422)
        try:
            return model.model_validate(data)
        except ValidationError as error:
            return error_ack(validation_detail(error, f"{usage} request"), 422)

    async def open_(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        if (refusal_ack := await refused(sid, "execute")) is not None:
            return refusal_ack
        data = {} if data is None else data
        try:
            if isinstance(data, dict) and "term_id" in data:
                request = parse(Reattach, data, "term:open {term_id, offset?}")
                if isinstance(request, dict):
                    return request
                attached = await terminals.attach(request.term_id, holder=sid,
                                                  join=joiner(sid), since=request.offset)
                return {**asdict(attached.info), "scrollback": attached.scrollback,
                        "offset": attached.offset}
            new = parse(OpenNew, data, "term:open {cols, rows}")
            if isinstance(new, dict):
                return new
            info = await terminals.open(holder=sid, cols=new.cols, rows=new.rows,
                                        join=joiner(sid))
        except PairpadError as error:
            return error_ack(error.detail, error.status_code)
        return {key: value for key, value in asdict(info).items()
                if key in ("term_id", "title", "shell", "cwd", "cols", "rows")}

    async def input_(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        if (refusal_ack := await refused(sid, "execute")) is not None:
            return refusal_ack
        if isinstance(data, dict) and isinstance(data.get("data"), str) \
                and len(data["data"]) > MAX_INPUT_CHARS:
            return error_ack(f"term:input data is {len(data['data'])} characters; send at "
                             f"most {MAX_INPUT_CHARS} per event.", 413)
        request = parse(Input, data, "term:input {term_id, data}")
        if isinstance(request, dict):
            return request
        try:
            terminals.write(request.term_id, request.data)
        except PairpadError as error:
            return error_ack(error.detail, error.status_code)
        return {"ok": True}

    async def resize(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        if (refusal_ack := await refused(sid, "execute")) is not None:
            return refusal_ack
        request = parse(Resize, data, "term:resize {term_id, cols, rows}")
        if isinstance(request, dict):
            return request
        try:
            terminals.resize(request.term_id, request.cols, request.rows)
        except PairpadError as error:
            return error_ack(error.detail, error.status_code)
        return {"ok": True}

    async def ack(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        if (refusal_ack := await refused(sid, "execute")) is not None:
            return refusal_ack
        request = parse(Ack, data, "term:ack {term_id, offset}")
        if isinstance(request, dict):
            return request
        try:
            terminals.ack(request.term_id, request.offset)
        except PairpadError as error:
            return error_ack(error.detail, error.status_code)
        return {"ok": True}

    async def close(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        if (refusal_ack := await refused(sid, "execute")) is not None:
            return refusal_ack
        request = parse(Close, data, "term:close {term_id}")
        if isinstance(request, dict):
            return request
        try:
            await terminals.close(request.term_id)
        except PairpadError as error:
            return error_ack(error.detail, error.status_code)
        return {"ok": True}

    async def list_(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        if (refusal_ack := await refused(sid, "execute")) is not None:
            return refusal_ack
        return {"terminals": [
            {"term_id": t.term_id, "title": t.title, "cols": t.cols, "rows": t.rows,
             "exited": t.exited} for t in terminals.list()]}

    async def disconnected(sid: str) -> None:
        terminals.release(sid)

    sio.on("term:open", open_)
    sio.on("term:input", input_)
    sio.on("term:resize", resize)
    sio.on("term:ack", ack)
    sio.on("term:close", close)
    sio.on("term:list", list_)
    realtime.on_disconnect(disconnected)
