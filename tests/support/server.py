"""Start the real `pairpad open` CLI as a subprocess and read the URL it prints."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

URL_LINE = re.compile(r"^Pairpad is running at (http://\S+)/\?token=(\S+)$")


@dataclass
class RunningServer:
    process: subprocess.Popen[str]
    base_url: str
    token: str
    output: list[str] = field(default_factory=list)
    readers: list[threading.Thread] = field(default_factory=list)

    @property
    def login_url(self) -> str:
        return f"{self.base_url}/?token={self.token}"

    @property
    def host_header(self) -> str:
        return urlsplit(self.base_url).netloc

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def stop(self, sig: int = signal.SIGINT, timeout: float = 20) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for reader in self.readers:
            reader.join(timeout=5)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        return self.process.returncode


def start_server(
    workspace: Path,
    data_dir: Path,
    *extra_args: str,
    env: dict[str, str] | None = None,
    timeout: float = 60,
) -> RunningServer:
    """Launch `python -m pairpad open WORKSPACE --no-browser --port 0` and wait for its URL."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("PAIRPAD_")}
    # No background start of the embedded model unless a test asks (`env`): most tests never
    # use it, and on 2 cores a model loading beside them skews their timing.
    full_env = {**inherited, "PAIRPAD_DATA_DIR": str(data_dir),
                "PAIRPAD_AI__LOCAL__PRELOAD": "false", **(env or {})}
    argv = [sys.executable, "-m", "pairpad", "open", str(workspace), "--no-browser",
            "--port", "0", *extra_args]
    process, match, output, readers = launch(argv, full_env, URL_LINE, timeout)
    return RunningServer(process, match.group(1), match.group(2), output, readers)


def launch(
    argv: list[str], env: dict[str, str], url_line: re.Pattern[str], timeout: float
) -> tuple[subprocess.Popen[str], re.Match[str], list[str], list[threading.Thread]]:
    """Start a `pairpad` server command; wait for the stdout line matching `url_line`."""
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env)
    name = " ".join(argv[2:4])
    lines: queue.Queue[str | None] = queue.Queue()
    output: list[str] = []

    def pump(stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            output.append(line)
            lines.put(line)
        lines.put(None)

    assert process.stdout is not None and process.stderr is not None

    def drain(stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            output.append(line)

    readers = [
        threading.Thread(target=pump, args=(process.stdout,), daemon=True),
        threading.Thread(target=drain, args=(process.stderr,), daemon=True),
    ]
    for reader in readers:
        reader.start()
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            RunningServer(process, "", "", output, readers).stop(signal.SIGKILL)
            raise RuntimeError(f"{name} printed no URL in time:\n" + "".join(output)) from None
        if line is None:
            process.wait(timeout=10)
            RunningServer(process, "", "", output, readers).stop()
            raise RuntimeError(
                f"{name} exited with {process.returncode}:\n" + "".join(output)
            )
        match = url_line.match(line.strip())
        if match:
            return process, match, output, readers
