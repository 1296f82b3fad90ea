"""UI benchmark: navigation → editable Monaco with a file open, and the built JS size (gzip).

Headless Debian Chromium against the real `pairpad open` on localhost. Prints figures; asserts
nothing about time. Run: `.venv/bin/python bench/ui.py` (needs the static build).
"""

from __future__ import annotations

import gzip
import re
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from _common import CHROMIUM, CHROMIUM_ARGS, STATIC, machine, median, percentile, server

RUNS = 10
FILE = "src/app.py"


def js_sizes() -> tuple[int, int, int, int]:
    """(initial raw, initial gzip, all raw, all gzip) over assets/*.js."""
    index = (STATIC / "index.html").read_text()
    initial = set(re.findall(r'(?:src|href)="/assets/([^"]+\.js)"', index))
    sizes = [0, 0, 0, 0]
    for path in (STATIC / "assets").glob("*.js"):
        raw = path.read_bytes()
        packed = len(gzip.compress(raw, compresslevel=6))
        sizes[2] += len(raw)
        sizes[3] += packed
        if path.name in initial:
            sizes[0] += len(raw)
            sizes[1] += packed
    return sizes[0], sizes[1], sizes[2], sizes[3]


def wait_editable(page: Page) -> None:
    page.locator(f'[role="tab"][data-path="{FILE}"][aria-selected="true"]').wait_for()
    page.locator(".editor-group.focused .monaco-editor .view-line").first.wait_for()
    page.locator(".editor-group.focused .monaco-editor textarea").wait_for(state="attached")


def make_workspace(root: Path) -> None:
    (root / "src").mkdir(parents=True)
    body = "\n".join(f"def handler_{i}(request):\n    return {{'id': {i}}}\n" for i in range(300))
    (root / FILE).write_text(body)
    for i in range(40):
        (root / "src" / f"module_{i}.py").write_text(f"VALUE = {i}\n")


def main() -> int:
    if not (STATIC / "index.html").is_file():
        print("The front end is not built: run `make setup` first.", file=sys.stderr)
        return 1
    initial_raw, initial_gz, all_raw, all_gz = js_sizes()
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "ws"
        workspace.mkdir()
        make_workspace(workspace)
        with server(workspace, Path(tmp) / "data") as running, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            cold: list[float] = []
            for _ in range(RUNS):
                # A fresh profile each run: empty HTTP cache, no restored tabs.
                context = browser.new_context(viewport={"width": 1360, "height": 820})
                page = context.new_page()
                start = time.perf_counter()
                page.goto(running.login_url)
                page.get_by_role("treeitem", name="src", exact=True).click()
                page.get_by_role("treeitem", name="app.py", exact=True).dblclick()
                wait_editable(page)
                cold.append(time.perf_counter() - start)
                context.close()
            warm: list[float] = []
            context = browser.new_context(viewport={"width": 1360, "height": 820})
            page = context.new_page()
            page.goto(running.login_url)
            page.get_by_role("treeitem", name="src", exact=True).click()
            page.get_by_role("treeitem", name="app.py", exact=True).dblclick()
            wait_editable(page)
            page.wait_for_timeout(300)
            for _ in range(RUNS):
                # Reload with a warm cache: the tab comes back from the saved layout.
                start = time.perf_counter()
                page.reload()
                wait_editable(page)
                warm.append(time.perf_counter() - start)
            context.close()
            browser.close()
    ms = 1000
    print(f"machine: {machine()}")
    print(f"chromium: {CHROMIUM} (headless), server on localhost")
    print(
        "navigation -> editable Monaco with a file open, cold profile: "
        f"median {median(cold) * ms:.0f} ms, p90 {percentile(cold, 0.9) * ms:.0f} ms ({RUNS} runs)"
    )
    print(
        "reload -> editable Monaco, tab restored, warm cache: "
        f"median {median(warm) * ms:.0f} ms, p90 {percentile(warm, 0.9) * ms:.0f} ms ({RUNS} runs)"
    )
    mb = 1e6
    print(f"initial JS (index.html): {initial_raw / mb:.2f} MB raw, {initial_gz / mb:.2f} MB gzip")
    print(f"all JS with lazy chunks, workers: {all_raw / mb:.2f} MB raw, {all_gz / mb:.2f} MB gzip")
    return 0


if __name__ == "__main__":
    sys.exit(main())
