"""Socket.IO handlers of the language servers (runtime/lsp); acks are objects, errors
`{error, status}`. Paths are workspace-relative; positions LSP's (0-based, UTF-16).

- `lsp:open {path, language, text, version}` -> `{ok, servers}` (the language's servers start
  lazily; `servers`: those serving it, [] = none configured)
- `lsp:change {path, version, text}` (full text), `lsp:save {path}`, `lsp:close {path}` -> `{ok}`
- `lsp:request {path, method, params}` -> `{result, server}`: 501 no server can, 503 the one
  that could is not running (why), 504 timeout, 422 the server's error or a bad method.

Server -> client: `lsp:diagnostics`, `lsp:status`, `lsp:edit` (events/models.py, broadcast).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, StrictInt, StrictStr, ValidationError

from pairpad.auth.authorizer import Action, Authorizer, Policy, Resource
from pairpad.errors import PairpadError
from pairpad.realtime.handlers.acks import error_ack, refusal_check, validation_detail
from pairpad.realtime.socketio_adapter import SocketIOAdapter
from pairpad.runtime.lsp.manager import LspManager

RESOURCE: Resource = "files"


class OpenIn(BaseModel):
    path: StrictStr
    language: StrictStr
    text: StrictStr
    version: StrictInt = 1


class ChangeIn(BaseModel):
    path: StrictStr
    version: StrictInt
    text: StrictStr


class PathIn(BaseModel):
    path: StrictStr


class RequestIn(BaseModel):
    path: StrictStr
    method: StrictStr
    params: dict[str, Any] | None = None


def register_lsp_handlers(
    realtime: SocketIOAdapter, lsp: LspManager, authorizer: Policy | None = None
) -> None:
    sio = realtime.sio
    refused = refusal_check(sio, authorizer or Authorizer(), RESOURCE)

    async def guarded(sid: str, action: Action, event: str, model: type[BaseModel],
                      data: Any) -> tuple[Any, dict[str, Any] | None]:
        if (refusal_ack := await refused(sid, action)) is not None:
            return None, refusal_ack
        try:
            return model.model_validate(data), None
        except ValidationError as error:
            return None, error_ack(validation_detail(error, event), 422)

    async def open_(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        request, ack = await guarded(sid, "read", "lsp:open", OpenIn, data)
        if ack is not None:
            return ack
        try:
            servers = await lsp.open(request.path, request.language, request.text,
                                     request.version)
        except PairpadError as error:
            return error_ack(error.detail, error.status_code)
        return {"ok": True, "servers": servers}

    async def change(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        request, ack = await guarded(sid, "read", "lsp:change", ChangeIn, data)
        if ack is not None:
            return ack
        try:
            await lsp.change(request.path, request.version, request.text)
        except PairpadError as error:
            return error_ack(error.detail, error.status_code)
        return {"ok": True}

    async def save(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        request, ack = await guarded(sid, "read", "lsp:save", PathIn, data)
        if ack is not None:
            return ack
        try:
            await lsp.save(request.path)
        except PairpadError as error:
            return error_ack(error.detail, error.status_code)
        return {"ok": True}

    async def close(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        request, ack = await guarded(sid, "read", "lsp:close", PathIn, data)
        if ack is not None:
            return ack
        try:
            await lsp.close(request.path)
        except PairpadError as error:
            return error_ack(error.detail, error.status_code)
        return {"ok": True}

    async def request_(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        # A command may edit files (workspace/applyEdit): that needs write.
        method = data.get("method") if isinstance(data, dict) else None
        action: Action = "write" if method == "workspace/executeCommand" else "read"
        request, ack = await guarded(sid, action, "lsp:request", RequestIn, data)
        if ack is not None:
            return ack
        try:
            result, server = await lsp.request(request.path, request.method, request.params)
        except PairpadError as error:
            return error_ack(error.detail, error.status_code)
        return {"result": result, "server": server}

    sio.on("lsp:open", open_)
    sio.on("lsp:change", change)
    sio.on("lsp:save", save)
    sio.on("lsp:close", close)
    sio.on("lsp:request", request_)
