"""The stdio transport of an MCP server: its program as a child process, one JSON-RPC message
a line on its stdin/stdout.

Our own rather than the SDK's `stdio_client` because the hub must say why a server died
("exited with code 2", "killed by SIGKILL", its last stderr lines), which needs the process,
and must start it with exactly the environment it is given (the SDK merges some of Pairpad's
own variables in). Only the end of its stderr is kept (in memory), so a chatty server cannot
fill a disk. Shutdown follows the MCP spec: close stdin, wait, SIGTERM the process group,
wait, SIGKILL.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import anyio
import mcp_types
from anyio.abc import Process
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from mcp.shared.message import SessionMessage

EXIT_GRACE_S = 2.0  # after stdin closes, before SIGTERM; and again before SIGKILL
MAX_LINE = 64 * 1024 * 1024  # one message; a server writing more without a newline is broken
STDERR_KEEP = 4096  # bytes of the end of its stderr, for the error of a server that died


@dataclass
class StdioChild:
    """What the hub needs from a running server: its streams, whether it is gone, its exit."""

    process: Process
    read: MemoryObjectReceiveStream[SessionMessage | Exception]
    write: MemoryObjectSendStream[SessionMessage]
    closed: anyio.Event = field(default_factory=anyio.Event)  # its stdout ended
    stderr: bytearray = field(default_factory=bytearray)  # the last STDERR_KEEP bytes
    stderr_done: anyio.Event = field(default_factory=anyio.Event)

    @property
    def returncode(self) -> int | None:
        return self.process.returncode

    def stderr_tail(self, chars: int) -> str:
        text = self.stderr.decode("utf-8", errors="replace").strip()
        return text[-chars:]


@contextlib.asynccontextmanager
async def stdio_child(argv: list[str], *, env: dict[str, str],
                      cwd: str) -> AsyncIterator[StdioChild]:
    """Starts `argv` (OSError when it cannot: not found, not executable) and stops it on exit."""
    process = await anyio.open_process(argv, env=env, cwd=cwd, stderr=subprocess.PIPE,
                                       start_new_session=True)  # a group: kill its children too
    read_send, read = anyio.create_memory_object_stream[SessionMessage | Exception](0)
    write, write_recv = anyio.create_memory_object_stream[SessionMessage](0)
    child = StdioChild(process, read, write)

    async def pump_out() -> None:
        assert process.stdout is not None
        buffer = b""
        try:
            async with read_send:
                async for chunk in process.stdout:
                    buffer += chunk
                    if b"\n" not in chunk:
                        if len(buffer) > MAX_LINE:
                            await read_send.send(ValueError(
                                f"the server wrote over {MAX_LINE} bytes without a newline"))
                            return
                        continue
                    *lines, buffer = buffer.split(b"\n")
                    for line in lines:
                        if line.strip():
                            await read_send.send(_parse(line))
        except (anyio.ClosedResourceError, anyio.BrokenResourceError, OSError):
            pass  # our own shutdown, or the session is gone
        finally:
            child.closed.set()

    async def pump_err() -> None:
        assert process.stderr is not None
        try:
            async for chunk in process.stderr:
                child.stderr.extend(chunk)
                del child.stderr[:-STDERR_KEEP]
        except (anyio.ClosedResourceError, anyio.BrokenResourceError, OSError):
            pass
        finally:
            child.stderr_done.set()

    async def pump_in() -> None:
        assert process.stdin is not None
        try:
            async with write_recv:
                async for message in write_recv:
                    data = message.message.model_dump_json(by_alias=True, exclude_unset=True)
                    await process.stdin.send(data.encode() + b"\n")
        except (anyio.ClosedResourceError, anyio.BrokenResourceError, OSError):
            # The server stopped reading (it died): end the session's reads too, so a
            # request waits for no answer that cannot come.
            await read_send.aclose()

    async with anyio.create_task_group() as group:
        group.start_soon(pump_out)
        group.start_soon(pump_err)
        group.start_soon(pump_in)
        try:
            yield child
        finally:
            with anyio.CancelScope(shield=True):
                await write.aclose()
                await _stop(process)
                # Its last words, unless a grandchild still holds the pipe open.
                with anyio.move_on_after(1.0):
                    await child.stderr_done.wait()
                with anyio.move_on_after(EXIT_GRACE_S), contextlib.suppress(
                        OSError, anyio.BrokenResourceError, anyio.ClosedResourceError):
                    await process.aclose()  # closes the pipes; bounded, as above
            group.cancel_scope.cancel()


def _parse(line: bytes) -> SessionMessage | Exception:
    try:
        return SessionMessage(mcp_types.jsonrpc_message_adapter.validate_json(line, by_name=False))
    except ValueError as exc:  # pydantic's ValidationError is one; the session reports it
        return exc


async def _stop(process: Process) -> None:
    if process.stdin is not None:
        with contextlib.suppress(OSError, anyio.BrokenResourceError, anyio.ClosedResourceError):
            await process.stdin.aclose()
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if await _exited(process, EXIT_GRACE_S):
            break
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)
    await _exited(process, EXIT_GRACE_S)


async def _exited(process: Process, grace: float) -> bool:
    # Polled, not process.wait(): asyncio's wait also waits for the pipes to close, which a
    # grandchild holding them open would delay forever.
    with anyio.move_on_after(grace):
        while process.returncode is None:  # noqa: ASYNC110 - nothing to wait on but the poll
            await anyio.sleep(0.02)
    return process.returncode is not None


def describe_exit(returncode: int | None) -> str:
    if returncode is None:
        return "stopped answering"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"was killed by {name}"
    return f"exited with code {returncode}"
