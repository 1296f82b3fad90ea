"""JSON-RPC 2.0 over a byte stream with LSP's `Content-Length` framing.

One `Connection` per language server: requests get increasing ids and a future each; a
request that outlives its timeout is cancelled (`$/cancelRequest`) and raises TimeoutError;
requests and notifications from the server go to the handlers the client gives.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

import structlog

log = structlog.get_logger("pairpad.lsp")

RequestHandler = Callable[[str, Any], Awaitable[Any]]
NotificationHandler = Callable[[str, Any], Awaitable[None]]
MAX_MESSAGE = 64 * 1024 * 1024  # a sane bound: a server sending more is broken


class ResponseError(Exception):
    """The server answered a request with an error object."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(f"{message} (code {code})")
        self.code = code
        self.message = message
        self.data = data


class MethodNotFound(Exception):
    """Raised by a request handler for a method the client does not implement."""


class ConnectionClosed(Exception):
    """The stream ended (the server exited) while a request waited."""


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


async def read_message(reader: asyncio.StreamReader) -> dict[str, Any] | None:
    """The next message, or None at the end of the stream."""
    length: int | None = None
    while True:
        line = await reader.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            if length is None:
                continue  # stray blank line between messages
            break
        name, _, value = line.decode("ascii", "replace").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    if length > MAX_MESSAGE:
        raise ValueError(f"message of {length} bytes is over the {MAX_MESSAGE} byte limit")
    body = await reader.readexactly(length)
    message = json.loads(body)
    return message if isinstance(message, dict) else None


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter | Any,
                 on_request: RequestHandler, on_notification: NotificationHandler,
                 name: str = "lsp") -> None:
        self._reader = reader
        self._writer = writer
        self._on_request = on_request
        self._on_notification = on_notification
        self._name = name
        self._next_id = 0
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._write_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self.closed = asyncio.Event()

    async def run(self) -> None:
        """Reads until the stream ends; then fails every pending request."""
        try:
            while True:
                message = await read_message(self._reader)
                if message is None:
                    break
                self._dispatch(message)
        except (ValueError, asyncio.IncompleteReadError, OSError) as error:
            log.warning("lsp stream broken", server=self._name, error=str(error))
        finally:
            self.closed.set()
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ConnectionClosed(f"{self._name} closed the connection"))
            self._pending.clear()

    async def request(self, method: str, params: Any, within: float) -> Any:
        if self.closed.is_set():
            raise ConnectionClosed(f"{self._name} is not running")
        self._next_id += 1
        request_id = self._next_id
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            await self._send({"jsonrpc": "2.0", "id": request_id, "method": method,
                              "params": params})
            return await asyncio.wait_for(asyncio.shield(future), within)
        except TimeoutError:
            with contextlib.suppress(Exception):
                await self.notify("$/cancelRequest", {"id": request_id})
            raise TimeoutError(f"{self._name} did not answer {method} within {within:g}s") \
                from None
        finally:
            self._pending.pop(request_id, None)

    async def notify(self, method: str, params: Any) -> None:
        await self._send({"jsonrpc": "2.0", "method": method, "params": params})

    async def _send(self, message: dict[str, Any]) -> None:
        data = frame(message)
        async with self._write_lock:
            try:
                self._writer.write(data)
                await self._writer.drain()
            except (ConnectionError, RuntimeError) as error:
                raise ConnectionClosed(f"{self._name}: {error}") from error

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "method" not in message:  # a response
            future = self._pending.get(message.get("id"))  # type: ignore[arg-type]
            if future is None or future.done():
                return
            error = message.get("error")
            if isinstance(error, dict):
                future.set_exception(ResponseError(int(error.get("code", 0)),
                                                   str(error.get("message", "")),
                                                   error.get("data")))
            else:
                future.set_result(message.get("result"))
            return
        method = str(message["method"])
        params = message.get("params")
        if "id" in message:
            self._spawn(self._answer(message["id"], method, params))
        else:
            self._spawn(self._on_notification(method, params))

    async def _answer(self, request_id: Any, method: str, params: Any) -> None:
        reply: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id}
        try:
            reply["result"] = await self._on_request(method, params)
        except MethodNotFound:
            reply["error"] = {"code": -32601, "message": f"Unhandled method {method}"}
        except Exception as error:  # the server gets an error, the client keeps going
            log.warning("lsp server request failed", server=self._name, method=method,
                        error=str(error))
            reply["error"] = {"code": -32603, "message": str(error)}
        with contextlib.suppress(ConnectionClosed):
            await self._send(reply)

    def _spawn(self, work: Awaitable[None]) -> None:
        async def guarded() -> None:
            try:
                await work
            except Exception as error:
                log.warning("lsp handler failed", server=self._name, error=str(error))

        task = asyncio.get_running_loop().create_task(guarded())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
