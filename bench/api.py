"""Per-request cost of the API against a bare FastAPI route (issue 9, finding 12).

Both servers are real uvicorn processes with the same settings (`pairpad.server.uvicorn_options`):
Pairpad through `pairpad open`, the baseline from bench/_bare_api.py, which reads the same
1 KiB file and returns the same JSON as `GET /api/files/content`. The load comes from Debian's
wrk (`make system-deps`), in its own process; runs are interleaved (bare, Pairpad, Pairpad,
bare, …) so a busy neighbour on the machine hits both alike. CPU per request is the server
process's own user+system time (/proc/PID/stat) over the requests wrk completed.

.venv/bin/python bench/api.py [--rounds N] [--seconds S]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _common import ROOT, machine

CONNECTIONS = (1, 100, 1000)
FILE = "bench.txt"
URL_LINE = re.compile(r"Pairpad is running at (http://\S+)/\?token=(\S+)")
WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95),
    errors.status + errors.connect + errors.read + errors.write + errors.timeout))
end
"""


@dataclass
class Server:
    name: str
    process: subprocess.Popen[str]
    url: str
    headers: list[str]

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class Run:
    rps: float
    cpu_ms: float
    p50_ms: float
    p95_ms: float
    errors: int


def _first_line(process: subprocess.Popen[str], pattern: re.Pattern[str]) -> re.Match[str]:
    assert process.stdout is not None
    for line in process.stdout:
        match = pattern.search(line)
        if match:
            return match
    raise RuntimeError(f"server exited with {process.wait()} before announcing its URL")


def _wait_accepting(url: str) -> None:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    for _ in range(200):
        try:
            socket.create_connection((host, int(port)), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} does not accept connections")


def start_pairpad(workspace: Path, data_dir: Path, log: Path) -> Server:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAIRPAD_")}
    env |= {
        "PAIRPAD_DATA_DIR": str(data_dir),
        "PAIRPAD_INDEX__ENABLED": "false",  # no background indexing during the runs
        "PAIRPAD_AI__LOCAL__PRELOAD": "false",  # nor a model server loading beside them
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "pairpad", "open", str(workspace), "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE, stderr=log.open("w"), text=True, env=env,
    )  # fmt: skip
    match = _first_line(process, URL_LINE)
    url, token = match.group(1), match.group(2)
    return Server("pairpad", process, url, [f"Authorization: Bearer {token}"])


def start_bare(workspace: Path, log: Path) -> Server:
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "_bare_api.py"), str(workspace)],
        stdout=subprocess.PIPE, stderr=log.open("w"), text=True,
    )  # fmt: skip
    port = _first_line(process, re.compile(r"listening on (\d+)")).group(1)
    url = f"http://127.0.0.1:{port}"
    _wait_accepting(url)
    return Server("bare", process, url, [])


def wrk(server: Server, connections: int, seconds: int, script: Path) -> Run:
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    args += ["-s", str(script)]
    for header in server.headers:
        args += ["-H", header]
    before = server.cpu_seconds()
    output = subprocess.run(
        [*args, f"{server.url}/api/files/content?path={FILE}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    cpu = server.cpu_seconds() - before
    found = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+)", output)
    if found is None:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    requests, duration_us, p50, p95, errors = (int(x) for x in found.groups())
    return Run(
        rps=requests / (duration_us / 1e6),
        cpu_ms=cpu * 1000 / max(requests, 1),
        p50_ms=p50 / 1000,
        p95_ms=p95 / 1000,
        errors=errors,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: run `make system-deps` (Debian's wrk)")

    print(f"machine: {machine()}; load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        workspace = root / "ws"
        workspace.mkdir()
        (workspace / FILE).write_text(("0123456789abcde\n" * 64)[:1024])
        script = root / "report.lua"
        script.write_text(WRK_REPORT)
        servers = [
            start_bare(workspace, root / "bare.log"),
            start_pairpad(workspace, root / "data", root / "pairpad.log"),
        ]
        try:
            for server in servers:  # warm-up: imports, caches, first connections
                wrk(server, 10, 2, script)
            runs: dict[tuple[str, int], list[Run]] = {}
            for round_no in range(args.rounds):
                for connections in CONNECTIONS:
                    order = servers if round_no % 2 == 0 else servers[::-1]
                    for server in order:
                        run = wrk(server, connections, args.seconds, script)
                        runs.setdefault((server.name, connections), []).append(run)
        finally:
            for server in servers:
                server.stop()
    _report(runs, args.rounds, args.seconds)


def _report(runs: dict[tuple[str, int], list[Run]], rounds: int, seconds: int) -> None:
    def med(name: str, connections: int, field: str) -> float:
        return statistics.median(getattr(run, field) for run in runs[(name, connections)])

    print(f"GET /api/files/content (1 KiB), wrk -t1, {seconds:g} s per run, median of {rounds}")
    print(f"{'conns':>5} {'server':>8} {'req/s':>8} {'CPU ms/req':>10} {'p50 ms':>8} "
          f"{'p95 ms':>8} {'errors':>6}")  # fmt: skip
    for connections in CONNECTIONS:
        for name in ("bare", "pairpad"):
            errors = sum(run.errors for run in runs[(name, connections)])
            print(
                f"{connections:>5} {name:>8} {med(name, connections, 'rps'):>8.0f} "
                f"{med(name, connections, 'cpu_ms'):>10.3f} "
                f"{med(name, connections, 'p50_ms'):>8.2f} "
                f"{med(name, connections, 'p95_ms'):>8.2f} {errors:>6}"
            )
        ratio = {
            field: med("pairpad", connections, field) / med("bare", connections, field)
            for field in ("cpu_ms", "p95_ms", "rps")
        }
        print(
            f"{connections:>5}    ratio  CPU/request {ratio['cpu_ms']:.2f}x, "
            f"p95 {ratio['p95_ms']:.2f}x, req/s {ratio['rps']:.2f}x"
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
