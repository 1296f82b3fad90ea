"""Text search and fuzzy file finding on a generated 10,000-file tree.

    .venv/bin/python bench/search.py

/api/search over loopback against plain `rg --json` with the same flags (the ratio is our
overhead: HTTP, stream parsing, models), /api/search/files latency p50/p95 over HTTP, and
the ranking alone in-process (wall and CPU time, as the machine may be shared).

    .venv/bin/python bench/search.py --long-lines [--sizes 25000,200000,4000000]

The long-line case alone (issue 9, finding 1): one line of N `a` in an otherwise empty
workspace, `GET /api/search?q=a&max=1` (every character is a match), and `/api/health`
polled during that search: its worst latency shows whether a search stalls the server.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from _common import generate_tree, machine, median, percentile, server, timed
from pairpad.workspace.finder import FileIndex
from pairpad.workspace.ripgrep import COMMON_ARGS, find_rg

FILES = 10_000
RUNS = 11
QUERIES = {
    "literal, ~400 hits": {"q": "needle"},
    "literal, no hits": {"q": "zebra-crossing"},
    "regex, ~400 hits": {"q": r"f_\d+\(x\):.*needle$", "regex": "true"},
}
FINDER_QUERIES = [
    "parse", "cache_tok", "pkg03/mod01", "rendr", "session_widget_42", "vector.rs", "alpha",
    "confighandler", "mod07 stream", "idx",
]  # fmt: skip


def rg_argv(params: dict[str, str]) -> list[str]:
    argv = [find_rg(), *COMMON_ARGS, "--json", "--ignore-case"]
    if params.get("regex") != "true":
        argv.append("--fixed-strings")
    return [*argv, "--regexp", params["q"]]


def text_search(http: httpx.Client, workspace: Path) -> None:
    print(f"  text search, median of {RUNS} runs")
    for label, params in QUERIES.items():
        count = len(http.get("/api/search", params=params).json()["results"])  # warm caches

        def ours(p: dict[str, str] = params) -> None:
            http.get("/api/search", params=p).raise_for_status()

        argv = rg_argv(params)

        def plain(argv: list[str] = argv) -> None:
            subprocess.run(argv, cwd=workspace, capture_output=True, check=False)

        api_runs, rg_runs = [], []
        for _ in range(RUNS):  # interleaved, so load from other programs hits both alike
            api_runs += timed(ours, 1)
            rg_runs += timed(plain, 1)
        api_s, rg_s = median(api_runs), median(rg_runs)
        print(
            f"    {label:<20} /api/search {api_s * 1000:7.1f} ms   rg --json {rg_s * 1000:7.1f} ms"
            f"   ratio {api_s / rg_s:4.2f}   ({count} results)"
        )


def finder_over_http(http: httpx.Client) -> None:
    started = time.perf_counter()
    http.get("/api/search/files", params={"q": "parse"}).raise_for_status()
    cold = time.perf_counter() - started
    samples = []
    for _ in range(20):
        for query in FINDER_QUERIES:
            started = time.perf_counter()
            http.get("/api/search/files", params={"q": query, "max": 50}).raise_for_status()
            samples.append(time.perf_counter() - started)
    print(
        f"  /api/search/files over HTTP: first call (lists files with rg) {cold * 1000:.1f} ms;"
        f" cached p50 {percentile(samples, 0.5) * 1000:.1f} ms,"
        f" p95 {percentile(samples, 0.95) * 1000:.1f} ms ({len(samples)} requests)"
    )


def ranking_alone(workspace: Path) -> None:
    listing = subprocess.run(
        [find_rg(), *COMMON_ARGS, "--files"],
        cwd=workspace,
        capture_output=True,
        text=True,
        check=True,
    )
    index = FileIndex.build(listing.stdout.split())
    wall, cpu = [], []
    for _ in range(20):
        for query in FINDER_QUERIES:
            wall_start, cpu_start = time.perf_counter(), time.process_time()
            index.rank(query, 50)
            wall.append(time.perf_counter() - wall_start)
            cpu.append(time.process_time() - cpu_start)
    print(
        f"  ranking alone ({len(index.paths)} paths):"
        f" wall p50 {percentile(wall, 0.5) * 1000:.1f} ms,"
        f" p95 {percentile(wall, 0.95) * 1000:.1f} ms; CPU mean {sum(cpu) / len(cpu) * 1000:.1f} ms"
    )


LONG_LINE_SIZES = (25_000, 200_000, 4_000_000)


def long_lines(sizes: tuple[int, ...]) -> None:
    print("  one line of N `a`, /api/search?q=a&max=1, /api/health polled meanwhile")
    for size in sizes:
        with tempfile.TemporaryDirectory() as temp:
            workspace, data = Path(temp) / "ws", Path(temp) / "data"
            workspace.mkdir()
            (workspace / "long.txt").write_text("a" * size + "\n")
            with (
                server(workspace, data) as running,
                httpx.Client(
                    base_url=running.base_url, headers=running.auth_headers, timeout=120
                ) as http,
            ):
                search_s, health = _search_while_polling_health(http)
        print(
            f"    {size:>9,} chars  search {search_s * 1000:8.1f} ms   health during it:"
            f" max {max(health) * 1000:7.1f} ms, p50 {percentile(health, 0.5) * 1000:5.1f} ms"
            f" ({len(health)} polls)"
        )


def _search_while_polling_health(http: httpx.Client) -> tuple[float, list[float]]:
    done = threading.Event()
    health: list[float] = []

    def poll() -> None:
        with httpx.Client(base_url=http.base_url, timeout=120) as own:
            while not done.is_set():
                started = time.perf_counter()
                own.get("/api/health").raise_for_status()
                health.append(time.perf_counter() - started)
                time.sleep(0.01)

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.1)
    started = time.perf_counter()
    http.get("/api/search", params={"q": "a", "max": 1}).raise_for_status()
    elapsed = time.perf_counter() - started
    done.set()
    poller.join()
    return elapsed, health


def main() -> None:
    print(f"bench/search.py on {machine()}")
    if "--long-lines" in sys.argv:
        sizes = LONG_LINE_SIZES
        if "--sizes" in sys.argv:
            raw = sys.argv[sys.argv.index("--sizes") + 1]
            sizes = tuple(int(size) for size in raw.split(","))
        long_lines(sizes)
        return
    with tempfile.TemporaryDirectory() as temp:
        workspace, data = Path(temp) / "ws", Path(temp) / "data"
        workspace.mkdir()
        started = time.perf_counter()
        generate_tree(workspace, FILES)
        size = sum(p.stat().st_size for p in workspace.rglob("*") if p.is_file())
        print(
            f"  tree: {FILES} files, {size / 1e6:.1f} MB"
            f" (generated in {time.perf_counter() - started:.1f} s)"
        )
        with (
            server(workspace, data) as running,
            httpx.Client(
                base_url=running.base_url, headers=running.auth_headers, timeout=60
            ) as http,
        ):
            text_search(http, workspace)
            finder_over_http(http)
        ranking_alone(workspace)


if __name__ == "__main__":
    main()
