"""Shared helpers for the benchmarks: a generated source tree, timing, a real server."""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/x.py` from a checkout: find tests/support
    sys.path.insert(0, str(ROOT))

from tests.support.server import RunningServer, start_server  # noqa: E402

# The built UI and the browser the UI benchmarks drive (the e2e tests' Debian Chromium flags).
STATIC = ROOT / "src" / "pairpad" / "static"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

WORDS = [
    "alpha", "beta", "gamma", "delta", "parse", "render", "fetch", "cache", "index", "token",
    "buffer", "stream", "socket", "config", "handler", "request", "response", "session",
    "widget", "layout", "router", "model", "vector",
]  # fmt: skip


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def generate_tree(root: Path, files: int, *, lines: int = 40, seed: int = 7) -> None:
    """A source-like tree: ~20 files per folder, 3 levels deep, some matching 'needle'."""
    rng = random.Random(seed)
    for index in range(files):
        folder = root / f"pkg{index % 25:02}" / f"mod{index % 400 // 25:02}"
        folder = folder / f"part{index // 400:02}"
        folder.mkdir(parents=True, exist_ok=True)
        body = []
        for line in range(lines):
            words = " ".join(rng.choice(WORDS) for _ in range(8))
            if (index * lines + line) % 997 == 0:
                words += " needle"
            body.append(f"def f_{line}(x):  # {words}")
        ext = (".py", ".ts", ".go", ".rs", ".md")[index % 5]
        name = f"{rng.choice(WORDS)}_{rng.choice(WORDS)}_{index}{ext}"
        (folder / name).write_text("\n".join(body) + "\n")
    (root / ".gitignore").write_text("dist/\n")


def timed(function: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return samples


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


@contextmanager
def server(workspace: Path, data_dir: Path, *, index: bool = False) -> Iterator[RunningServer]:
    """The real CLI; the codebase indexer is off unless asked, so figures are our API's own."""
    env = {} if index else {"PAIRPAD_INDEX__ENABLED": "false"}
    running = start_server(workspace, data_dir, env=env)
    try:
        yield running
    finally:
        running.stop()
