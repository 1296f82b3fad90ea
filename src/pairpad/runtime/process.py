"""Supervision helpers for managed child processes: how one ended, and when to restart it.

A managed process (today the embedded model's llama.cpp server; later language servers and
terminals) that dies must be reported as what happened — the signal by name, or the exit
code, with the last lines of its log — and restarted with a growing delay, giving up after
repeated crashes instead of restarting into the same crash forever.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
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
