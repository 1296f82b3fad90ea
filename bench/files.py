"""File API throughput on the real server over loopback: MB/s and requests/s.

.venv/bin/python bench/files.py [--with-index]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

import httpx

from _common import machine, server

MiB = 1024 * 1024
SIZES = {"64 KiB": 64 * 1024, "1 MiB": MiB}
OPS_PER_SIZE = {"64 KiB": 300, "1 MiB": 60}
CONCURRENT_CLIENTS = 100
REQUESTS_PER_CLIENT = 20


def _text(size: int) -> str:
    line = "the quick brown fox jumps over the lazy dog 0123456789\n"
    return (line * (size // len(line) + 1))[:size]


async def read_write(http: httpx.AsyncClient, label: str, size: int) -> None:
    path = f"bench-{size}.txt"
    content = _text(size)
    created = await http.put(
        "/api/files/content", params={"path": path}, json={"content": content, "etag": None}
    )
    created.raise_for_status()
    etag = created.json()["etag"]
    count = OPS_PER_SIZE[label]

    start = time.perf_counter()
    for _ in range(count):
        response = await http.get("/api/files/content", params={"path": path})
        response.raise_for_status()
    read_s = time.perf_counter() - start

    start = time.perf_counter()
    for index in range(count):
        body = {"content": content[:-8] + f"{index:08}", "etag": etag}
        response = await http.put("/api/files/content", params={"path": path}, json=body)
        response.raise_for_status()
        etag = response.json()["etag"]
    write_s = time.perf_counter() - start

    mb = size * count / MiB
    print(
        f"  {label:>6}: read {mb / read_s:7.1f} MB/s ({count / read_s:6.0f} req/s)   "
        f"write {mb / write_s:7.1f} MB/s ({count / write_s:6.0f} req/s, atomic + fsync)"
    )


async def concurrent(base_url: str, headers: dict[str, str]) -> None:
    """100 independent clients (own connection pools) each reading a small file."""

    async def one_client() -> list[float]:
        latencies = []
        async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=60) as http:
            for _ in range(REQUESTS_PER_CLIENT):
                start = time.perf_counter()
                response = await http.get("/api/files/content", params={"path": "small.py"})
                response.raise_for_status()
                latencies.append(time.perf_counter() - start)
        return latencies

    start = time.perf_counter()
    results = await asyncio.gather(*(one_client() for _ in range(CONCURRENT_CLIENTS)))
    elapsed = time.perf_counter() - start
    latencies = sorted(latency for client in results for latency in client)
    total = len(latencies)
    print(
        f"  {CONCURRENT_CLIENTS} concurrent clients x {REQUESTS_PER_CLIENT} GET content (1 KiB): "
        f"{total / elapsed:.0f} req/s, p50 {latencies[total // 2] * 1000:.1f} ms, "
        f"p95 {latencies[int(total * 0.95)] * 1000:.1f} ms"
    )
    tree_start = time.perf_counter()
    async with httpx.AsyncClient(base_url=base_url, headers=headers) as http:
        for _ in range(200):
            (await http.get("/api/files/tree")).raise_for_status()
    rate = 200 / (time.perf_counter() - tree_start)
    print(f"  GET /api/files/tree (a few entries), one client, sequential: {rate:.0f} req/s")


async def main() -> None:
    index = "--with-index" in sys.argv
    print(f"bench/files.py on {machine()}; codebase indexer {'on' if index else 'off'}")
    with tempfile.TemporaryDirectory() as temp:
        workspace, data = Path(temp) / "ws", Path(temp) / "data"
        workspace.mkdir()
        (workspace / "small.py").write_text("x = 1\n" * 170)
        with server(workspace, data, index=index) as running:
            async with httpx.AsyncClient(
                base_url=running.base_url, headers=running.auth_headers, timeout=60
            ) as http:
                for label, size in SIZES.items():
                    await read_write(http, label, size)
            await concurrent(running.base_url, running.auth_headers)


if __name__ == "__main__":
    asyncio.run(main())
