"""Managed child processes (runtime/process.py): real processes, real signals."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from pairpad.runtime.process import (
    CrashBackoff,
    ManagedProcess,
    ProcessExited,
    describe_exit,
    log_tail,
)


def python(tmp_path: Path, code: str, name: str = "child") -> ManagedProcess:
    return ManagedProcess(name, [sys.executable, "-c", code], tmp_path / f"{name}.log")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is not alive


def test_describe_exit_names_signals_and_codes() -> None:
    assert describe_exit(-signal.SIGILL).startswith("was killed by signal SIGILL")
    assert "CPU instruction" in describe_exit(-signal.SIGILL)
    assert "memory" in describe_exit(-signal.SIGKILL)
    assert describe_exit(3) == "exited with code 3"
    assert describe_exit(-200) == "was killed by signal signal 200"


def test_log_tail_keeps_the_last_non_empty_lines(tmp_path: Path) -> None:
    log = tmp_path / "x.log"
    log.write_text("".join(f"line {n}\n\n" for n in range(100)))
    assert log_tail(log, lines=3) == "line 97\nline 98\nline 99"
    assert log_tail(tmp_path / "missing.log") == ""


async def test_output_goes_to_the_log_and_a_signal_death_is_described(tmp_path: Path) -> None:
    process = python(tmp_path, "import os, signal, sys; print('hello from the child', "
                               "flush=True); os.kill(os.getpid(), signal.SIGILL)")
    process.spawn()
    assert await process.wait_exit(10)
    assert process.returncode == -signal.SIGILL
    assert "SIGILL" in process.describe_exit()
    assert process.log_tail() == "hello from the child"


async def test_wait_ready_reports_an_early_exit(tmp_path: Path) -> None:
    process = python(tmp_path, "import sys; sys.exit(7)")
    process.spawn()

    async def never() -> bool:
        return False

    with pytest.raises(ProcessExited) as caught:
        await process.wait_ready(never, within=10, interval=0.02)
    assert "exited with code 7" in str(caught.value)


async def test_wait_ready_times_out_and_returns_when_ready(tmp_path: Path) -> None:
    process = python(tmp_path, "import time; time.sleep(30)")
    process.spawn()
    try:
        async def never() -> bool:
            return False

        with pytest.raises(TimeoutError):
            await process.wait_ready(never, within=0.2, interval=0.02)
        calls = []

        async def third_time() -> bool:
            calls.append(1)
            return len(calls) == 3

        await process.wait_ready(third_time, within=10, interval=0.01)
        assert len(calls) == 3
    finally:
        await process.stop()


async def test_stop_kills_the_whole_group_and_forces_a_stubborn_child(tmp_path: Path) -> None:
    # The child ignores SIGTERM and has a grandchild; both must be gone after stop().
    code = ("import signal, subprocess, sys, time\n"
            "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
            "g = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
            "print(g.pid, flush=True)\n"
            "time.sleep(60)\n")
    process = python(tmp_path, code)
    process.spawn()
    deadline = time.monotonic() + 10
    while not process.log_tail().strip().isdigit():
        assert time.monotonic() < deadline, "the child never started its grandchild"
        time.sleep(0.02)
    grandchild = int(process.log_tail())
    await process.stop(grace=0.5)
    assert process.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 5
    while alive(grandchild):
        assert time.monotonic() < deadline, "the grandchild survived the group kill"
        time.sleep(0.02)


def test_backoff_delays_then_gives_up_and_a_stable_run_resets() -> None:
    now = [100.0]
    backoff = CrashBackoff(delays=(0.0, 5.0), stable_after=60.0, clock=lambda: now[0])
    backoff.record_crash(started_at=99.0)
    assert backoff.streak == 1 and backoff.wait_left() == 0.0 and not backoff.gave_up
    backoff.record_crash(started_at=99.5)
    assert backoff.wait_left() == 5.0
    now[0] += 2
    assert backoff.wait_left() == 3.0
    backoff.record_crash(started_at=now[0] - 1)
    assert backoff.gave_up and backoff.wait_left() == 0.0
    now[0] += 1000
    backoff.record_crash(started_at=now[0] - 61)  # ran long enough: a new streak
    assert backoff.streak == 1 and not backoff.gave_up
