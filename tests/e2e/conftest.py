"""E2E fixtures: the real `pairpad open` on a temp git workspace, driven by Debian's Chromium.

Every test gets a fresh workspace, data dir, server and browser context, and fails if the
page logged a console error, a CSP violation, an uncaught exception or a failed request, or
if any request (page, worker or WebSocket) left the machine: every URL must be the server's
own origin, `data:` or `blob:`.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    sync_playwright,
)

from tests.support.server import RunningServer, start_server

REPO = Path(__file__).resolve().parents[2]
STATIC_INDEX = REPO / "src" / "pairpad" / "static" / "index.html"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

ORDERS_PY = '''from dataclasses import dataclass

VAT_RATE = 0.2


@dataclass
class Order:
    total_cents: int


def order_total(order: Order) -> int:
    """Total in cents, VAT included."""
    return round(order.total_cents * (1 + VAT_RATE))
'''

FILES = {
    ".gitignore": "*.log\nbuild/\n",
    "README.md": "# Shop\n\nA tiny shop used by the end-to-end tests.\n",
    "shop/__init__.py": "",
    "shop/orders.py": ORDERS_PY,
    "shop/inventory.py": (
        "class Inventory:\n"
        "    def __init__(self) -> None:\n"
        "        self.items: dict[str, int] = {}\n"
    ),
    "web/cart.ts": (
        "export function cartTotal(prices: number[]): number {\n"
        "  return prices.reduce((a, b) => a + b, 0);\n}\n"
    ),
    "notes.txt": "plain text notes\n",
    "debug.log": "ignored by git\n",
}

# Reported by the page whenever the CSP blocks something (init scripts are exempt from CSP).
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI);
});
"""


def make_workspace(root: Path, files: dict[str, str] | None = None) -> Path:
    """`files` (default: the shop project) written under `root`, committed on `main`."""
    for rel, text in (FILES if files is None else files).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return commit_all(root)


def commit_all(root: Path) -> Path:
    """`root` as a git repository on `main` with everything in one first commit."""
    git = ["git", "-c", "user.name=Pairpad Tests", "-c", "user.email=tests@pairpad.invalid"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "Initial"], cwd=root, check=True)
    return root


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    if not STATIC_INDEX.is_file():
        pytest.fail(
            f"The front end is not built: {STATIC_INDEX} is missing. "
            "Run `make setup` (or `cd frontend && npm ci && npm run build`)."
        )
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`make system-deps`).")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def e2e_workspace(tmp_path: Path) -> Path:
    root = tmp_path / "shop-project"
    root.mkdir()
    return make_workspace(root)


@pytest.fixture
def server(e2e_workspace: Path, tmp_path: Path) -> Iterator[RunningServer]:
    running = start_server(e2e_workspace, tmp_path / "data")
    yield running
    running.stop()


@dataclass
class PageProblems:
    """Console errors, page errors and failed requests seen during one test."""

    items: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)
    # A reload aborts whatever the old page had in flight; that is not an app failure.
    navigating: bool = False

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def add(self, text: str) -> None:
        self.items.append(text)

    def unexpected(self) -> list[str]:
        return [p for p in self.items if not any(a.search(p) for a in self.allowed)]


@dataclass
class IDE:
    page: Page
    server: RunningServer
    workspace: Path
    problems: PageProblems
    # Every URL the browser asked for (HTTP from the page and its workers, and WebSockets).
    requests: list[str] = field(default_factory=list)

    def open(self) -> None:
        self.page.goto(self.server.login_url)
        self.page.get_by_role("tree", name="Files").get_by_role("treeitem").first.wait_for()

    def reload(self) -> None:
        self.problems.navigating = True
        try:
            self.page.reload()
        finally:
            self.problems.navigating = False
        self.page.get_by_role("tree", name="Files").get_by_role("treeitem").first.wait_for()

    def tree_item(self, name: str):  # type: ignore[no-untyped-def]
        return self.page.get_by_role("tree", name="Files").get_by_role(
            "treeitem", name=name, exact=True
        )

    def open_file(self, path: str) -> None:
        """Opens a file pinned by double-clicking it in the explorer (expanding folders)."""
        parts = path.split("/")
        for folder in parts[:-1]:
            item = self.tree_item(folder)
            if item.get_attribute("aria-expanded") != "true":
                item.click()
        self.tree_item(parts[-1]).dblclick()
        self.wait_editor(path)

    def wait_editor(self, path: str) -> None:
        self.page.locator(f'[role="tab"][data-path="{path}"][aria-selected="true"]').wait_for()
        self.page.locator(".editor-group.focused .monaco-editor .view-line").first.wait_for()

    def editor_text(self) -> str:
        text = self.page.locator(".editor-group.focused .monaco-editor .view-lines").inner_text()
        return text.replace("\u00a0", " ")

    def tab(self, path: str):  # type: ignore[no-untyped-def]
        return self.page.locator(f'[role="tab"][data-path="{path}"]')

    def focus_editor_end(self) -> None:
        self.page.locator(".editor-group.focused .monaco-editor .view-lines").click()
        self.page.keyboard.press("Control+End")

    def wait_until(self, predicate: Callable[[], bool], message: str, timeout: float = 15) -> None:
        """Polls a Python-side condition, letting Playwright deliver page events meanwhile."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {message}")
            self.page.wait_for_timeout(100)

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


# Requests the app aborts on purpose when superseded; any other abort is still a problem.
OWN_CANCELS = re.compile(r"/api/symbols/outline(\?|$)")


def _describe_request(request: Request) -> str:
    return f"request failed: {request.method} {request.url} ({request.failure})"


def foreign_requests(urls: list[str], base_url: str) -> list[str]:
    """URLs that are neither the server's origin (http or ws), `data:` nor `blob:`."""
    origins = (base_url + "/", base_url.replace("http://", "ws://", 1) + "/")
    return [u for u in urls if not (u.startswith(origins) or u.startswith(("data:", "blob:")))]


@pytest.fixture
def color_scheme() -> str:
    """The OS colour scheme the browser reports; parametrize a test over it to change it."""
    return "dark"


@pytest.fixture
def ide(
    browser: Browser, server: RunningServer, e2e_workspace: Path, color_scheme: str
) -> Iterator[IDE]:
    context = browser.new_context(
        viewport={"width": 1360, "height": 820},
        color_scheme=color_scheme,  # type: ignore[arg-type]
    )
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = PageProblems()

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "assert") or "Content Security Policy" in message.text:
            where = message.location.get("url", "")
            suffix = f" [{where}]" if where else ""
            problems.add(f"console {message.type}: {message.text}{suffix}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.add(f"page error: {error}"))

    def on_request_failed(request: Request) -> None:
        if problems.navigating and request.failure == "net::ERR_ABORTED":
            return
        if request.failure == "net::ERR_ABORTED" and OWN_CANCELS.search(request.url):
            # The app cancels these itself (an AbortController) when their answer is no
            # longer wanted — the outline of a file the user has left or edited since.
            return
        problems.add(_describe_request(request))

    page.on("requestfailed", on_request_failed)
    ide = IDE(page, server, e2e_workspace, problems)
    # The context sees the requests of every page and worker (Monaco's language workers).
    context.on("request", lambda request: ide.requests.append(request.url))
    page.on("websocket", lambda ws: ide.requests.append(ws.url))
    ide.open()
    yield ide
    # Let in-flight requests settle so closing the page does not abort them mid-test.
    page.wait_for_timeout(200)
    unexpected = problems.unexpected()
    context.close()
    assert not unexpected, "The page reported problems:\n" + "\n".join(unexpected)
    assert ide.requests, "no request was recorded: the recorder is broken"
    foreign = foreign_requests(ide.requests, server.base_url)
    assert not foreign, "Requests left the machine:\n" + "\n".join(foreign)
