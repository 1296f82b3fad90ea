"""Terminal throughput to the browser: `cat` of a 50 MB text file in a Pairpad terminal, from
the shell through the real server and Socket.IO to xterm.js in headless Chromium (drawn,
acknowledged with `term:ack`), against the same `cat` to /dev/null in the same run.

.venv/bin/python bench/terminal_browser.py [MEGABYTES]   (needs the static build)

The clock runs from the Enter that starts `cat FILE; echo MARKER` to the frame where xterm
shows the marker (echoed after cat, so every byte before it went through xterm's parser).
Prints MB/s (MB = 10^6 bytes of the file), the ratio to /dev/null, and the page's JS heap.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from _common import CHROMIUM, CHROMIUM_ARGS, STATIC, WORDS, machine, server
from terminal_socket import cpu_seconds

MARKER = "BENCH-DONE"
HOST = ".terminal-view .terminal-host"


def write_file(path: Path, megabytes: int) -> int:
    """Source-like text: 80-character lines of words (cat's output as a user would see it)."""
    words = WORDS
    lines = []
    for i in range(1000):
        line = " ".join(words[(i + j) % len(words)] for j in range(12))
        lines.append(f"{i:05} {line}"[:79] + "\n")
    block = "".join(lines).encode()
    size = megabytes * 1_000_000
    with path.open("wb") as out:
        written = 0
        while written < size:
            chunk = block[: size - written]
            out.write(chunk)
            written += len(chunk)
    return size


def descendants_cpu(root: int, name: str) -> float:
    """CPU seconds of the live processes under `root` whose command name contains `name`."""
    parents: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            head, tail = (entry / "stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        parents[int(entry.name)] = int(tail.split()[1])
        names[int(entry.name)] = head.split("(", 1)[1]
    total = 0.0
    for pid in parents:
        up = pid
        while up in parents and up != root:
            up = parents[up]
        if up == root and name in names[pid]:
            with contextlib.suppress(OSError):
                total += cpu_seconds(pid)
    return total


def devnull_seconds(path: Path) -> float:
    start = time.perf_counter()
    subprocess.run(["cat", str(path)], stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    if not (STATIC / "index.html").is_file():
        print("The front end is not built: run `make setup` first.", file=sys.stderr)
        return 1
    megabytes = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "ws"
        workspace.mkdir()
        (workspace / "README.md").write_text("# bench\n")
        size = write_file(workspace / "big.txt", megabytes)
        devnull_seconds(workspace / "big.txt")  # warm the page cache
        base = devnull_seconds(workspace / "big.txt")
        with server(workspace, Path(tmp) / "data") as running, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1360, "height": 820})
            page.set_default_timeout(30_000)
            page.goto(running.login_url)
            page.get_by_role("tree", name="Files").get_by_role("treeitem").first.wait_for()
            page.keyboard.press("Control+Backquote")
            page.locator(f"{HOST} .xterm").wait_for()
            page.wait_for_function(
                "() => document.querySelector('[role=tab][data-term-id]')?.dataset.termId")
            page.wait_for_timeout(1000)  # the prompt is drawn
            page.locator(f"{HOST} .xterm").click()
            page.keyboard.type(f"cat big.txt; echo {MARKER}-$((6*7))")
            server_cpu = cpu_seconds(running.process.pid)
            browser_cpu = descendants_cpu(os.getpid(), "chrom")
            start = time.perf_counter()
            page.keyboard.press("Enter")
            page.wait_for_function(
                f"() => document.querySelector('{HOST} .xterm-rows')"
                f".textContent.includes('{MARKER}-42')",
                polling=50, timeout=600_000)
            seconds = time.perf_counter() - start
            server_cpu = cpu_seconds(running.process.pid) - server_cpu
            browser_cpu = descendants_cpu(os.getpid(), "chrom") - browser_cpu
            heap = page.evaluate("() => performance.memory?.usedJSHeapSize ?? 0")
            browser.close()
    mbps = size / 1e6 / seconds
    base_mbps = size / 1e6 / base
    print(f"machine: {machine()}")
    print(f"file: {size / 1e6:.0f} MB of 80-character lines")
    print(f"cat > /dev/null:            {base:7.3f} s  {base_mbps:9.1f} MB/s")
    print(f"cat in the browser terminal: {seconds:7.3f} s  {mbps:9.1f} MB/s"
          f"  ({mbps / base_mbps:.4f} of /dev/null)")
    print(f"CPU during the cat: server {server_cpu:.1f} s, Chromium {browser_cpu:.1f} s; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"page JS heap after: {heap / 2**20:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
