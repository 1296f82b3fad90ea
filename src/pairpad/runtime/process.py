"""Managed child processes: spawning and stopping them, how one ended, when to restart it.

A managed process (today the embedded model's llama.cpp server; later language servers and
terminals) that dies must be reported as what happened — the signal by name, or the exit
code, with the last lines of its log — and restarted with a growing delay, giving up after
repeated crashes instead of restarting into the same crash forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

# What a user can do about the signals a crashed process most often dies of.
_SIGNAL_ADVICE: dict[int, str] = {
    signal.SIGILL: ("the program used a CPU instruction this machine does not have (a build "
                    "made for another CPU)"),
    signal.SIGKILL: "it was killed (often by the kernel when memory ran out)",
    signal.SIGSEGV: "it crashed (segmentation fault)",
    signal.SIGBUS: "it crashed (bus error: a file it mapped changed or the disk is full)",
    signal.SIGABRT: "it aborted (an internal error; the log says which)",
    signal.SIGFPE: "it crashed (arithmetic error)",
}


def describe_exit(returncode: int) -> str:
    """`-4` -> "was killed by signal SIGILL (…)"; `1` -> "exited with code 1"."""
    if returncode < 0:
        number = -returncode
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        advice = _SIGNAL_ADVICE.get(number)
        return f"was killed by signal {name}" + (f": {advice}" if advice else "")
    return f"exited with code {returncode}"


def log_tail(path: Path, lines: int = 6, limit: int = 600) -> str:
    """The last few non-empty lines of a log file, for an error message (never raises)."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(0, size - 8192))
            text = handle.read().decode(errors="replace")
    except OSError:
        return ""
    kept = [line.rstrip() for line in text.splitlines() if line.strip()][-lines:]
    return "\n".join(kept)[-limit:]


@dataclass
class CrashBackoff:
    """Restart policy after crashes: wait `delays[n-1]` seconds after the n-th crash in a row,
    give up after `len(delays) + 1` crashes in a row. A process that ran for `stable_after`
    seconds before crashing starts a new streak (one crash a day is not a crash loop)."""

    delays: tuple[float, ...] = (0.0, 5.0, 30.0)
    stable_after: float = 120.0
    clock: Callable[[], float] = time.monotonic
    streak: int = 0
    _last_crash: float = field(default=0.0, repr=False)

    def record_crash(self, started_at: float | None) -> None:
        now = self.clock()
        ran = now - started_at if started_at is not None else 0.0
        self.streak = 1 if ran >= self.stable_after else self.streak + 1
        self._last_crash = now

    def reset(self) -> None:
        self.streak = 0

    @property
    def gave_up(self) -> bool:
        return self.streak > len(self.delays)

    def wait_left(self) -> float:
        """Seconds until a restart is allowed (0 when allowed now, or no crash)."""
        if self.streak == 0 or self.gave_up:
            return 0.0
        delay = self.delays[self.streak - 1]
        return max(0.0, self._last_crash + delay - self.clock())


def _die_with_parent() -> None:  # runs in the child between fork and exec
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class ProcessExited(Exception):
    """The process ended while something waited for it (e.g. to become ready)."""

    def __init__(self, process: ManagedProcess) -> None:
        super().__init__(f"{process.name} {process.describe_exit()}")
        self.process = process


class ManagedProcess:
    """One supervised child: its own session (process group), so Ctrl+C in Pairpad's terminal
    does not reach it and `stop()` kills it with everything it spawned; on Linux it also gets
    PR_SET_PDEATHSIG, so a SIGKILLed Pairpad leaves no orphan. Output goes to a log file whose
    last lines are kept for diagnosis. Spawn once; a restart is a new ManagedProcess."""

    def __init__(self, name: str, argv: list[str], log_path: Path,
                 env: dict[str, str] | None = None, *, pipes: bool = False,
                 cwd: Path | None = None) -> None:
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self._env = env
        self._pipes = pipes  # stdin/stdout as pipes (a stdio protocol); stderr still logged
        self._cwd = cwd
        self._popen: subprocess.Popen[bytes] | None = None
        self.started_at: float | None = None

    def spawn(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log_file:
            self._popen = subprocess.Popen(
                self.argv, stdin=subprocess.PIPE if self._pipes else subprocess.DEVNULL,
                stdout=subprocess.PIPE if self._pipes else log_file,
                stderr=log_file if self._pipes else subprocess.STDOUT,
                env=self._env, cwd=self._cwd, start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        self.started_at = time.monotonic()

    @property
    def popen(self) -> subprocess.Popen[bytes] | None:
        """The child, for its stdin/stdout pipes when spawned with `pipes=True`."""
        return self._popen

    @property
    def pid(self) -> int | None:
        return self._popen.pid if self._popen is not None else None

    @property
    def returncode(self) -> int | None:
        """None while it runs (or before spawn); reaps it when it has ended."""
        return self._popen.poll() if self._popen is not None else None

    @property
    def running(self) -> bool:
        return self._popen is not None and self._popen.poll() is None

    def describe_exit(self) -> str:
        code = self.returncode
        return "is still running" if code is None else describe_exit(code)

    def log_tail(self, lines: int = 6) -> str:
        return log_tail(self.log_path, lines=lines)

    async def wait_ready(self, ready: Callable[[], Awaitable[bool]], within: float,
                         interval: float = 0.2) -> None:
        """Polls `ready()` until it answers True. Raises ProcessExited when the process ends
        first, TimeoutError after `within` seconds."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if not self.running:
                raise ProcessExited(self)
            if await ready():
                return
            await asyncio.sleep(interval)
        raise TimeoutError(f"{self.name} was not ready within {within:g}s")

    async def wait_exit(self, seconds: float) -> bool:
        """True when it has ended within `seconds` (waited for in a thread)."""
        if self._popen is None:
            return True
        with contextlib.suppress(subprocess.TimeoutExpired):
            await asyncio.to_thread(self._popen.wait, seconds)
        return self.returncode is not None

    def kill(self) -> None:
        """SIGKILL to the whole group, at once."""
        if self._popen is not None and self._popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._popen.pid, signal.SIGKILL)

    async def stop(self, grace: float = 5.0) -> None:
        """SIGTERM to the group, then SIGKILL if it has not ended after `grace` seconds."""
        if self._popen is None or self._popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._popen.pid, signal.SIGTERM)
        if not await self.wait_exit(grace):
            self.kill()
            await self.wait_exit(grace)
