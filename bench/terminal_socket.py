"""Terminal throughput: `cat` of a 100 MB text file in a Pairpad terminal, through a real
server to a Python Socket.IO client that acknowledges (`term:ack`) each batch as it arrives,
against the same `cat` to /dev/null and through a bare PTY read by a Python loop.

.venv/bin/python bench/terminal_socket.py [MEGABYTES]

Prints MB/s of each (MB of the file, 10^6 bytes) and the ratios.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import ptyprocess  # type: ignore[import-untyped]
import socketio

from _common import machine, server

MARKER = "BENCH-DONE-"


def write_file(path: Path, megabytes: int) -> int:
    line = ("".join(chr(97 + (i % 26)) for i in range(99)) + "\n").encode()
    block = line * 10_000  # ~1 MB
    with path.open("wb") as handle:
        for _ in range(megabytes):
            handle.write(block)
    return path.stat().st_size


def to_dev_null(path: Path) -> float:
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        subprocess.run(["cat", str(path)], stdout=sink, check=True)
    return time.perf_counter() - started


def bare_pty(path: Path) -> float:
    process = ptyprocess.PtyProcess.spawn(["cat", str(path)])
    started = time.perf_counter()
    while True:
        try:
            if not os.read(process.fd, 65536):
                break
        except OSError:
            break
    elapsed = time.perf_counter() - started
    process.close()
    return elapsed


async def through_pairpad(path: Path, base_url: str, token: str) -> tuple[float, int]:
    sio = socketio.AsyncClient(reconnection=False)
    received = 0
    tail = ""
    done = asyncio.Event()

    async def output(data: dict[str, Any]) -> None:
        nonlocal received, tail
        received += len(data["data"])
        tail = (tail + data["data"])[-200:]
        await sio.emit("term:ack", {"term_id": data["term_id"],
                                    "offset": data["offset"] + len(data["data"])})
        if MARKER + "2" in tail:
            done.set()

    sio.on("term:output", output)
    await sio.connect(base_url, auth={"token": token}, transports=["websocket"])
    ack = await sio.call("term:open", {"cols": 120, "rows": 40})
    term_id = ack["term_id"]
    await asyncio.sleep(1)  # the shell's start-up (profile) is not part of the figure
    received = 0
    started = time.perf_counter()
    await sio.call("term:input", {"term_id": term_id,
                                  "data": f"cat {path}; echo {MARKER}$((1+1))\r"})
    await asyncio.wait_for(done.wait(), 600)
    elapsed = time.perf_counter() - started
    await sio.call("term:close", {"term_id": term_id})
    await sio.disconnect()
    return elapsed, received


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (its CPU use: a figure the machine's load skews less)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(megabytes: int) -> None:
    print(machine())
    with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
        root = Path(tmp)
        (root / "ws").mkdir()
        data = root / "ws" / "big.txt"
        size = write_file(data, megabytes)
        mb = size / 1e6
        to_dev_null(data)  # warm the page cache
        reference = min(to_dev_null(data) for _ in range(3))
        pty = bare_pty(data)
        with server(root / "ws", root / "data") as running:
            server_cpu = cpu_seconds(running.process.pid)
            client_cpu = time.process_time()
            elapsed, chars = asyncio.run(through_pairpad(data, running.base_url, running.token))
            server_cpu = cpu_seconds(running.process.pid) - server_cpu
            client_cpu = time.process_time() - client_cpu
        print(f"file: {mb:.0f} MB ({megabytes} x 10,000 lines of 100 bytes)")
        print(f"cat > /dev/null            {mb / reference:9.1f} MB/s")
        print(f"cat through a bare PTY     {mb / pty:9.1f} MB/s   (Python os.read loop)")
        print(f"cat in a Pairpad terminal  {mb / elapsed:9.1f} MB/s   "
              f"({chars / 1e6:.1f} M chars over Socket.IO, acked as received)")
        print(f"CPU: server {server_cpu:.1f} s ({mb / server_cpu:.1f} MB per CPU-second), "
              f"Python client {client_cpu:.1f} s; load average {os.getloadavg()[0]:.1f}")
        print(f"ratio Pairpad / /dev/null  {reference / elapsed:9.4f}")
        print(f"ratio Pairpad / bare PTY   {pty / elapsed:9.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
