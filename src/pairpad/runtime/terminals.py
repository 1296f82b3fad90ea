"""Integrated terminals: the user's own shell in a PTY, its output on the bus, its lifetime.

Not sandboxed (it is the user's terminal); only an authenticated same-origin socket reaches
it (realtime/handlers/terminal.py, auth/middleware.py). One `_Terminal` per PTY:

- Output: the master fd is read non-blocking from the event loop (`add_reader`), decoded
  incrementally (terminal_output.py), kept in a bounded scroll-back, and published as
  `TerminalOutput` at most once per `FLUSH_S` or per `BATCH_CHARS` (one flusher task per
  terminal, so events stay in order).
- Flow control: clients acknowledge what they drew (`ack`). While more than `HIGH_WATER`
  characters are unacknowledged the fd is not read, so the kernel's PTY buffer fills and
  the writer blocks (a `yes` flood costs nothing); reading resumes at `LOW_WATER`. With no
  client attached it keeps reading, into the scroll-back only, throttled (`READ_BYTES` per
  `DETACHED_GAP_S`): a detached build runs on, a detached `yes` costs little CPU, memory
  stays bounded and a reattach sees the latest screen.
- Lifetime: the sockets that opened or reattached a terminal hold it; when the last one
  goes, a grace timer (`grace_s`) starts and a reattach cancels it; expiry kills the shell
  (reason `abandoned`). `close` kills it (reason `closed`): SIGHUP to its process group,
  SIGKILL after `KILL_WAIT_S`. Stopping the service kills them all (`server stopping`).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import signal
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import ptyprocess  # type: ignore[import-untyped]
import structlog

from pairpad.errors import Conflict, NotFound, PairpadError, Unavailable
from pairpad.events.bus import Publish
from pairpad.events.models import TerminalExit, TerminalOutput
from pairpad.runtime.settings import TerminalSettings
from pairpad.runtime.terminal_output import FlowControl, OutputDecoder, Scrollback

log = structlog.get_logger("pairpad.runtime.terminals")

FLUSH_S = 0.016
BATCH_CHARS = 32 * 1024
READ_BYTES = 64 * 1024
HIGH_WATER = 512 * 1024  # unacknowledged characters before reading pauses
LOW_WATER = 256 * 1024
DETACHED_GAP_S = 0.05  # a terminal no client holds reads at most READ_BYTES per this
INPUT_BUFFER_BYTES = 1024 * 1024  # input the shell has not read yet
KILL_WAIT_S = 2.0
DRAIN_BYTES = 1024 * 1024  # output still read after the shell exited (background writers)
LOGIN_SHELLS = {"bash", "zsh", "fish", "sh", "dash", "ksh", "mksh", "tcsh", "csh"}

Join = Callable[[str], Awaitable[None]]


class TooManyTerminals(PairpadError):
    status_code = 429


class InputBacklog(PairpadError):
    status_code = 429


@dataclass
class TerminalInfo:
    term_id: str
    title: str
    shell: str
    cwd: str
    cols: int
    rows: int
    exited: bool = False
    exit_code: int | None = None
    signal: str | None = None


@dataclass
class Attached:
    """What a reattaching client gets: the terminal, its kept output and where that ends."""

    info: TerminalInfo
    scrollback: str
    offset: int


def pick_shell(configured: str | None, environ: Mapping[str, str]) -> str:
    """The setting (which must work: the user asked for it), else $SHELL, else /bin/bash,
    else /bin/sh (the first that is an executable file)."""
    def usable(path: str | None) -> bool:
        return bool(path) and os.path.isabs(path or "") and os.access(path or "", os.X_OK)

    if configured:
        if usable(configured):
            return configured
        raise Unavailable(f"The terminal shell {configured!r} is not an executable file; fix "
                          "terminal.shell in config.toml (an absolute path).")
    for candidate in (environ.get("SHELL"), "/bin/bash", "/bin/sh"):
        if candidate and usable(candidate):
            return candidate
    raise Unavailable("No shell found for the terminal ($SHELL, /bin/bash, /bin/sh); set "
                      "terminal.shell in config.toml.")


def shell_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The user's environment minus Pairpad's own settings (`PAIRPAD_*`: the access token,
    keys given to Pairpad), plus what a terminal emulator declares (and a UTF-8 locale when
    none is set)."""
    env = {k: v for k, v in environ.items() if not k.startswith("PAIRPAD_")}
    for stale in ("COLUMNS", "LINES"):  # would override the PTY's size
        env.pop(stale, None)
    env.update(TERM="xterm-256color", COLORTERM="truecolor", TERM_PROGRAM="Pairpad")
    if not any(env.get(name) for name in ("LC_ALL", "LC_CTYPE", "LANG")):
        env["LANG"] = "C.UTF-8"  # the page speaks UTF-8; the C locale would mangle input
    return env


def shell_argv(shell: str) -> list[str]:
    """A login shell where the shell knows `-l` (profile read, like a desktop terminal)."""
    return [shell, "-l"] if os.path.basename(shell) in LOGIN_SHELLS else [shell]


def _default_signals() -> None:
    # Python ignores SIGPIPE (and SIGXFSZ); ignored signals survive exec, and a shell with
    # SIGPIPE ignored makes `yes | head` report EPIPE instead of ending quietly.
    for number in (signal.SIGPIPE, signal.SIGXFSZ):
        signal.signal(number, signal.SIG_DFL)


@dataclass
class _Terminal:
    info: TerminalInfo
    process: ptyprocess.PtyProcess
    flow: FlowControl
    scrollback: Scrollback
    decoder: OutputDecoder = field(default_factory=OutputDecoder)
    pending: list[str] = field(default_factory=list)
    pending_chars: int = 0
    outbox: deque[TerminalOutput] = field(default_factory=deque)
    published: int = 0  # offset up to which output was published (or dropped: no client)
    holders: set[str] = field(default_factory=set)
    input_buffer: bytearray = field(default_factory=bytearray)
    wake: asyncio.Event = field(default_factory=asyncio.Event)  # output pending
    full: asyncio.Event = field(default_factory=asyncio.Event)  # a whole batch pending
    reading: bool = False
    output_done: bool = False
    fd_open: bool = True
    reason: str | None = None
    grace: asyncio.TimerHandle | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    exited: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def fd(self) -> int:
        return int(self.process.fd)

    @property
    def pid(self) -> int:
        return int(self.process.pid)


class TerminalService:
    def __init__(self, settings: TerminalSettings, workspace: Path, events: Publish,
                 environ: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self.workspace = workspace
        self.events = events
        self._environ = environ if environ is not None else os.environ
        self._terminals: dict[str, _Terminal] = {}

    # ---- the socket handlers' operations ----------------------------------------------------

    async def open(self, *, holder: str, cols: int, rows: int, join: Join) -> TerminalInfo:
        if len(self._terminals) >= self.settings.max_terminals:
            raise TooManyTerminals(f"{self.settings.max_terminals} terminals are already open; "
                                   "close one first (or raise terminal.max_terminals).")
        shell = pick_shell(self.settings.shell, self._environ)
        term_id = uuid.uuid4().hex
        try:
            process = ptyprocess.PtyProcess.spawn(
                shell_argv(shell), cwd=str(self.workspace), env=shell_env(self._environ),
                dimensions=(rows, cols), preexec_fn=_default_signals)
        except OSError as error:
            raise Unavailable(f"The terminal shell {shell} could not be started: {error}. "
                              "Set terminal.shell in config.toml.") from error
        os.set_blocking(process.fd, False)
        info = TerminalInfo(term_id=term_id, title=os.path.basename(shell), shell=shell,
                            cwd=str(self.workspace), cols=cols, rows=rows)
        term = _Terminal(info, process, FlowControl(high=HIGH_WATER, low=LOW_WATER),
                         Scrollback(self.settings.scrollback_chars), holders={holder})
        self._terminals[term_id] = term  # counted before any await (the limit holds)
        await join(term_id)  # before the first output is read, so it reaches this socket
        self._start_reading(term)
        term.tasks += [asyncio.create_task(self._flusher(term)),
                       asyncio.create_task(self._watch_exit(term))]
        log.info("terminal opened", term_id=term_id, shell=shell, pid=term.pid)
        return info

    async def attach(self, term_id: str, *, holder: str, join: Join,
                     since: int | None = None) -> Attached:
        """Reattach (after a reload): the scroll-back up to `offset`; events from then on.
        `since`: the offset the client already has; the scroll-back then starts there (when
        it still reaches back that far)."""
        term = self._get(term_id)
        if term.grace is not None:
            term.grace.cancel()
            term.grace = None
        self._seal(term)
        term.holders.add(holder)
        await join(term_id)
        # No await from here to the answer. Output read until now is in the scroll-back and
        # sealed into events that start before `offset` (the client skips those); later
        # output goes out in events starting at `offset` or after.
        self._seal(term)
        term.flow.catch_up()
        self._maybe_resume(term)
        text, end = term.scrollback.text(), term.scrollback.end
        if since is not None and end - len(text) <= since <= end:
            text = text[len(text) - (end - since):]
        return Attached(term.info, text, end)

    def write(self, term_id: str, data: str) -> None:
        term = self._get(term_id)
        if term.info.exited or not term.fd_open:
            raise Conflict("The terminal's shell has exited; open a new terminal.")
        raw = data.encode("utf-8", errors="replace")
        if len(term.input_buffer) + len(raw) > INPUT_BUFFER_BYTES:
            raise InputBacklog("The terminal is not reading its input (1 MiB waiting); "
                                   "wait, or press Ctrl+C.")
        if not term.input_buffer:
            try:
                written = os.write(term.fd, raw)
            except BlockingIOError:
                written = 0
            except OSError as error:
                raise Conflict(f"The terminal no longer takes input ({error}).") from error
            raw = raw[written:]
            if not raw:
                return
            asyncio.get_running_loop().add_writer(term.fd, self._on_writable, term)
        term.input_buffer += raw

    def resize(self, term_id: str, cols: int, rows: int) -> None:
        term = self._get(term_id)
        term.info.cols, term.info.rows = cols, rows
        if term.fd_open and not term.info.exited:
            term.process.setwinsize(rows, cols)  # the kernel sends SIGWINCH

    def ack(self, term_id: str, offset: int) -> None:
        term = self._get(term_id)
        term.flow.ack(offset)
        self._maybe_resume(term)

    def list(self) -> list[TerminalInfo]:
        return [term.info for term in self._terminals.values()]

    async def close(self, term_id: str) -> None:
        """Kill it (term:exit with reason `closed` follows) and forget it."""
        term = self._get(term_id)
        if term.info.exited:
            self._forget(term)
            return
        await self._kill(term, "closed")

    def release(self, holder: str) -> None:
        """A socket went away: terminals nobody holds any more start their grace period."""
        for term in list(self._terminals.values()):
            if holder in term.holders:
                term.holders.discard(holder)
                if not term.holders:
                    term.flow.catch_up()  # nobody to wait for: read into the scroll-back
                    self._maybe_resume(term)
                    self._start_grace(term)

    def pid_of(self, term_id: str) -> int:
        return self._get(term_id).pid

    # ---- output -------------------------------------------------------------------------------

    def _start_reading(self, term: _Terminal) -> None:
        if not term.reading and term.fd_open:
            asyncio.get_running_loop().add_reader(term.fd, self._on_readable, term)
            term.reading = True

    def _stop_reading(self, term: _Terminal) -> None:
        if term.reading:
            asyncio.get_running_loop().remove_reader(term.fd)
            term.reading = False

    def _on_readable(self, term: _Terminal) -> None:
        # A PTY hands out at most a few KiB per read: take what is there now (up to
        # READ_BYTES) in one callback rather than one event-loop turn per read.
        chunks: list[bytes] = []
        got = 0
        while got < READ_BYTES:
            try:
                data = os.read(term.fd, READ_BYTES - got)
            except BlockingIOError:
                break
            except OSError:  # EIO: every slave fd is closed (the shell and its children ended)
                self._stop_reading(term)
                break
            if not data:
                self._stop_reading(term)
                break
            chunks.append(data)
            got += len(data)
        if not chunks:
            return
        self._add_output(term, term.decoder.decode(b"".join(chunks)))
        if term.reading and term.flow.should_pause():
            term.flow.paused = True
            self._stop_reading(term)
        elif term.reading and not term.holders:
            # Nobody watches: read on (the scroll-back keeps the latest screen) but at most
            # READ_BYTES per DETACHED_GAP_S, so a detached flood costs the server little.
            self._stop_reading(term)
            asyncio.get_running_loop().call_later(DETACHED_GAP_S, self._read_again, term)

    def _read_again(self, term: _Terminal) -> None:
        if not term.flow.paused and not term.output_done:
            self._start_reading(term)

    def _add_output(self, term: _Terminal, text: str) -> None:
        if not text:
            return
        term.scrollback.append(text)
        term.pending.append(text)
        term.pending_chars += len(text)
        term.flow.wrote(len(text))
        term.wake.set()
        if term.pending_chars >= BATCH_CHARS:
            term.full.set()

    def _maybe_resume(self, term: _Terminal) -> None:
        if term.flow.should_resume():
            term.flow.paused = False
            if not term.output_done:
                self._start_reading(term)

    def _seal(self, term: _Terminal) -> None:
        """Turn pending output into events (in order, at most BATCH_CHARS each), or drop it
        when no client holds the terminal (the scroll-back has it)."""
        if not term.pending:
            return
        data, start = "".join(term.pending), term.published
        term.pending.clear()
        term.pending_chars = 0
        term.published = term.flow.written
        if not term.holders:
            term.flow.catch_up()
            self._maybe_resume(term)
            return
        for at in range(0, len(data), BATCH_CHARS):
            term.outbox.append(TerminalOutput(
                term_id=term.info.term_id, data=data[at:at + BATCH_CHARS], offset=start + at))
        term.wake.set()

    async def _flusher(self, term: _Terminal) -> None:
        """Publishes output: at once from BATCH_CHARS pending, else after FLUSH_S."""
        while True:
            await term.wake.wait()
            term.wake.clear()
            if 0 < term.pending_chars < BATCH_CHARS and not term.output_done:
                # Wait for more (one event per FLUSH_S at most), but not once a batch is full.
                term.full.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(term.full.wait(), FLUSH_S)
            await self._publish_pending(term)
            if term.output_done and not term.pending and not term.outbox:
                return

    async def _publish_pending(self, term: _Terminal) -> None:
        self._seal(term)
        while term.outbox:
            await self.events.publish(term.outbox.popleft())

    # ---- input --------------------------------------------------------------------------------

    def _on_writable(self, term: _Terminal) -> None:
        try:
            written = os.write(term.fd, term.input_buffer)
        except BlockingIOError:
            return
        except OSError:
            written = len(term.input_buffer)  # the shell is gone; drop it
        del term.input_buffer[:written]
        if not term.input_buffer:
            asyncio.get_running_loop().remove_writer(term.fd)

    # ---- lifetime -----------------------------------------------------------------------------

    def _get(self, term_id: str) -> _Terminal:
        term = self._terminals.get(term_id)
        if term is None:
            raise NotFound(f"No terminal {term_id!r} (it was closed, or ended while no "
                           "client held it); open a new one.")
        return term

    def _start_grace(self, term: _Terminal) -> None:
        if term.grace is not None:
            term.grace.cancel()

        def expire() -> None:
            term.grace = None
            if term.holders:
                return
            if term.info.exited:
                self._forget(term)
            else:
                term.tasks.append(asyncio.create_task(self._kill(term, "abandoned")))

        term.grace = asyncio.get_running_loop().call_later(self.settings.grace_s, expire)

    async def _kill(self, term: _Terminal, reason: str) -> None:
        """SIGHUP to the shell's process group, SIGKILL if it is still there after a while;
        returns once its exit was published."""
        if term.reason is None:
            term.reason = reason
        for number in (signal.SIGHUP, signal.SIGCONT):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(term.pid, number)
        try:
            await asyncio.wait_for(term.exited.wait(), KILL_WAIT_S)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(term.pid, signal.SIGKILL)
            await term.exited.wait()

    async def _watch_exit(self, term: _Terminal) -> None:
        try:
            await self._finish(term, await _wait_for_exit(term.pid))
        finally:
            term.exited.set()  # `_kill` waits for it, whatever happened

    async def _finish(self, term: _Terminal, status: int) -> None:
        self._drain(term)
        term.output_done = True
        term.wake.set()
        flusher = term.tasks[0]
        with contextlib.suppress(Exception):
            await flusher
        text = term.decoder.flush()
        if text:
            self._add_output(term, text)
            await self._publish_pending(term)
        self._close_fd(term)
        code = os.waitstatus_to_exitcode(status)
        info = term.info
        info.exited = True
        info.exit_code = code if code >= 0 else None
        if code < 0:
            try:
                info.signal = signal.Signals(-code).name
            except ValueError:
                info.signal = f"signal {-code}"
        log.info("terminal ended", term_id=info.term_id, exit_code=info.exit_code,
                 signal=info.signal, reason=term.reason)
        await self.events.publish(TerminalExit(term_id=info.term_id, exit_code=info.exit_code,
                                               signal=info.signal, reason=term.reason))
        term.exited.set()
        if term.reason is not None:  # Pairpad ended it: closed, abandoned, server stopping
            self._forget(term)

    def _drain(self, term: _Terminal) -> None:
        """What the shell wrote before it ended (bounded: a background writer may go on)."""
        self._stop_reading(term)
        left = DRAIN_BYTES
        while left > 0:
            try:
                data = os.read(term.fd, min(READ_BYTES, left))
            except OSError:
                break
            if not data:
                break
            left -= len(data)
            self._add_output(term, term.decoder.decode(data))

    def _close_fd(self, term: _Terminal) -> None:
        if not term.fd_open:
            return
        self._stop_reading(term)
        if term.input_buffer:
            asyncio.get_running_loop().remove_writer(term.fd)
            term.input_buffer.clear()
        term.fd_open = False
        # Closing the master hangs up the PTY: whatever still holds it gets SIGHUP.
        with contextlib.suppress(OSError):
            term.process.fileobj.close()
        term.process.closed = True  # reaped here; PtyProcess must not wait for it again

    def _forget(self, term: _Terminal) -> None:
        if term.grace is not None:
            term.grace.cancel()
            term.grace = None
        self._terminals.pop(term.info.term_id, None)

    # ---- component ----------------------------------------------------------------------------

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        terms = list(self._terminals.values())
        await asyncio.gather(*(self._kill(term, "server stopping") for term in terms
                               if not term.info.exited), return_exceptions=True)
        for term in terms:
            self._close_fd(term)
            for task in term.tasks:
                task.cancel()
            self._forget(term)


async def _wait_for_exit(pid: int) -> int:
    """The wait status of child `pid`, without a thread: its pidfd is readable once it ended
    (polling where pidfds are missing)."""
    loop = asyncio.get_running_loop()
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = -1
    if pidfd >= 0:
        ended: asyncio.Future[None] = loop.create_future()

        def readable() -> None:
            if not ended.done():
                ended.set_result(None)

        loop.add_reader(pidfd, readable)
        try:
            await ended
        finally:
            loop.remove_reader(pidfd)
            os.close(pidfd)
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)  # noqa: ASYNC222 (never blocks)
        except ChildProcessError:
            return 0
        except OSError as error:
            if error.errno != errno.EINTR:
                raise
            continue
        if done:
            return status
        await asyncio.sleep(0.05)
