"""The integrated terminal in Chromium: Ctrl+` opens the Terminal panel with a shell in the
workspace root; typed keys reach the shell and its output is drawn by xterm; `stty size`
matches the fitted size; a second terminal gets its own tab; a reload reattaches the
first terminal with its earlier output; a `yes` flood finishes while the page stays
responsive; Ctrl+P inside the terminal still opens quick open while Ctrl+G goes to the shell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.server import RunningServer, start_server

from .conftest import IDE

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")
# Server settings per test (the default server for the others).
SERVER_ENV = {
    "test_a_refused_terminal_is_explained_in_the_view": {"PAIRPAD_TERMINAL__MAX_TERMINALS": "1"},
}


@pytest.fixture
def server(
    e2e_workspace: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[RunningServer]:
    env = SERVER_ENV.get(request.node.name, {})
    running = start_server(e2e_workspace, tmp_path / "data", env=env)
    yield running
    running.stop()

ACTIVE_HOST = ".terminal-view .terminal-host"


def rows_text(page: Page) -> str:
    """What the active terminal shows (xterm's DOM renderer draws a row per line)."""
    host = page.locator(ACTIVE_HOST)
    if host.count() == 0:
        return ""
    return host.locator(".xterm-rows").inner_text().replace("\u00a0", " ")


def wait_for_text(ide: IDE, pattern: str, timeout: float = 20) -> str:
    regex = re.compile(pattern)
    ide.wait_until(lambda: regex.search(rows_text(ide.page)) is not None,
                   f"terminal text matching {pattern!r}; it shows:\n{rows_text(ide.page)}\n"
                   f"tabs: {ide.page.locator('.terminal-tabs').inner_html()}",
                   timeout=timeout)
    return rows_text(ide.page)


def type_line(page: Page, line: str) -> None:
    page.locator(f"{ACTIVE_HOST} .xterm").click()
    page.keyboard.type(line)
    page.keyboard.press("Enter")


CLICK_LATENCY = """() => {
  window.__clickLatency = [];
  document.addEventListener("click", (e) => {
    const tab = e.target.closest('[role="tab"]');
    if (!tab) return;
    const stamp = e.timeStamp;
    const done = () =>
      requestAnimationFrame(() => window.__clickLatency.push(performance.now() - stamp));
    if (tab.getAttribute("aria-selected") === "true") return done();
    const observer = new MutationObserver(() => {
      if (tab.getAttribute("aria-selected") !== "true") return;
      observer.disconnect();
      done();
    });
    observer.observe(tab, { attributes: true });
  }, true);
}"""


def terminal_tabs(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("tablist", name="Terminals").get_by_role("tab")


def test_terminal_types_fits_tabs_reattaches_and_survives_a_flood(ide: IDE) -> None:
    page = ide.page
    page.keyboard.press("Control+Backquote")
    panel_tab = page.get_by_role("tab", name="Terminal", exact=True)
    expect(panel_tab).to_have_attribute("aria-selected", "true")
    expect(terminal_tabs(page)).to_have_count(1)
    expect(terminal_tabs(page).first).not_to_have_attribute("data-term-id", "")

    # Typed keys reach the shell (in the workspace root); its output is drawn by xterm.
    type_line(page, "echo pairpad-$((40+2)) in $(basename $PWD)")
    wait_for_text(ide, r"pairpad-42 in shop-project")

    # The shell's idea of the size is the fitted one.
    host = page.locator(ACTIVE_HOST)
    cols, rows = host.get_attribute("data-cols"), host.get_attribute("data-rows")
    assert cols and rows and int(cols) > 40 and int(rows) > 3, (cols, rows)
    type_line(page, "stty size; echo TERM=$TERM")
    text = wait_for_text(ide, r"TERM=\S+")
    assert f"{rows} {cols}" in text, f"stty size is not {rows} {cols}:\n{text}"
    assert "TERM=xterm-256color" in text

    # Workbench keys that VS Code keeps inside its terminal still work; others reach the shell.
    page.keyboard.press("Control+p")
    quick = page.get_by_role("combobox")
    expect(quick).to_be_visible()
    page.keyboard.press("Escape")
    expect(quick).to_have_count(0)
    page.locator(f"{ACTIVE_HOST} .xterm").click()
    page.keyboard.type("echo ctrl-g-")
    page.keyboard.press("Control+g")  # bash: abort; the editor's Go to Line must not open
    page.keyboard.press("Control+c")
    expect(page.get_by_role("combobox")).to_have_count(0)

    # Ctrl+F opens the terminal's find box; Enter finds, Escape closes it.
    page.keyboard.press("Control+f")
    find = page.get_by_role("textbox", name="Find in terminal")
    expect(find).to_be_focused()
    find.fill("pairpad-42")
    page.keyboard.press("Enter")
    expect(page.locator(".terminal-find-status")).to_have_text("")
    page.keyboard.press("Escape")
    expect(find).to_have_count(0)

    # A second terminal, from the palette, gets its own tab and shell.
    page.keyboard.press("Control+Shift+P")
    box = page.get_by_role("combobox", name="Command")
    box.fill(">Terminal: Create New Terminal")
    expect(page.get_by_role("option").first).to_contain_text("Create New Terminal")
    page.keyboard.press("Enter")
    expect(terminal_tabs(page)).to_have_count(2)
    first_name = terminal_tabs(page).nth(0).inner_text()
    expect(terminal_tabs(page).nth(1)).to_have_text(f"{first_name} (2)")
    expect(terminal_tabs(page).nth(1)).to_have_attribute("aria-selected", "true")
    expect(terminal_tabs(page).nth(1)).not_to_have_attribute("data-term-id", "")
    type_line(page, "echo second-$((6*7))")
    wait_for_text(ide, r"second-42")
    assert "pairpad-42" not in rows_text(page)

    # A flood: xterm draws it in batches while the page keeps answering clicks. Measured in
    # the page, from the click event's creation (input queued behind a long task counts) to
    # the frame after the tab switched.
    page.evaluate(CLICK_LATENCY)
    type_line(page, "yes | head -c 20000000; echo done-$((1+1))-flood")
    page.wait_for_timeout(300)
    for index in (0, 1, 0, 1):
        terminal_tabs(page).nth(index).click()
        expect(terminal_tabs(page).nth(index)).to_have_attribute("aria-selected", "true")
        page.wait_for_function("() => window.__clickLatency.length > 0")
        latency = page.evaluate("() => window.__clickLatency.shift()")
        assert latency < 1000, f"a tab click took {latency:.0f} ms to show while flooding"
        assert "done-2-flood" not in rows_text(page) or index == 0, "the flood ended too soon"
    wait_for_text(ide, r"done-2-flood", timeout=90)
    heap = page.evaluate("() => performance.memory ? performance.memory.usedJSHeapSize : 0")
    assert heap < 400 * 1024 * 1024, f"the page holds {heap / 2**20:.0f} MiB after the flood"

    SHOTS.mkdir(parents=True, exist_ok=True)
    terminal_tabs(page).nth(0).click()
    page.screenshot(path=str(SHOTS / "terminal.png"))

    # A reload reattaches both terminals; the first one's earlier output is back.
    ide.reload()
    page.keyboard.press("Control+Backquote")  # shows the panel; opens no third terminal
    expect(terminal_tabs(page)).to_have_count(2)
    terminal_tabs(page).nth(0).click()
    wait_for_text(ide, r"pairpad-42 in shop-project")
    # Still live: input reaches the same shell.
    type_line(page, "echo after-reload-$((2+3))")
    wait_for_text(ide, r"after-reload-5")

    # Killing it removes its tab; the other terminal stays.
    page.get_by_role("button", name="Kill Terminal").click()
    expect(terminal_tabs(page)).to_have_count(1)


def test_an_exited_terminal_says_so_and_takes_no_input(ide: IDE) -> None:
    page = ide.page
    page.keyboard.press("Control+Backquote")
    expect(terminal_tabs(page)).to_have_count(1)
    expect(terminal_tabs(page).first).not_to_have_attribute("data-term-id", "")
    type_line(page, "exit 3")
    wait_for_text(ide, r"\[process exited with code 3\]")
    expect(terminal_tabs(page).first).to_contain_text("exited")
    # Enter does not start a new shell: nothing more is drawn.
    before = rows_text(page)
    type_line(page, "echo should-not-run")
    page.wait_for_timeout(500)
    assert rows_text(page) == before


def test_a_refused_terminal_is_explained_in_the_view(ide: IDE) -> None:
    page = ide.page
    page.keyboard.press("Control+Backquote")
    expect(terminal_tabs(page)).to_have_count(1)
    expect(terminal_tabs(page).first).not_to_have_attribute("data-term-id", "")
    page.get_by_role("button", name="New Terminal").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Could not open a terminal")
    expect(alert).to_contain_text("terminal")
    assert len(alert.inner_text()) > len("Could not open a terminal: ") + 10, alert.inner_text()
    expect(terminal_tabs(page)).to_have_count(1)  # the refused one left no tab behind
    wait_for_text(ide, r"shop-project")  # the first terminal's prompt (in the workspace root)
    page.screenshot(path=str(SHOTS / "terminal-refused.png"))
    alert.get_by_role("button", name="Dismiss").click()
    expect(alert).to_have_count(0)


# Records the page's WebSockets, and sends new ones nowhere while `__blockUntil` is ahead.
SOCKET_CONTROL = """
(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.__blockUntil = 0;
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(Date.now() < window.__blockUntil ? "ws://127.0.0.1:9/blocked" : url, protocols);
      window.__sockets.push(this);
    }
  };
})();
"""


def test_a_reconnect_catches_up_on_output_missed_offline(ide: IDE) -> None:
    page = ide.page
    ide.problems.allow(r"WebSocket connection to 'ws://127\.0\.0\.1:9/blocked' failed")
    ide.problems.allow(r"127\.0\.0\.1:9/blocked")
    # Socket.IO sends on a socket the test closed under it before it sees the close.
    ide.problems.allow(r"WebSocket is already in CLOSING or CLOSED state")
    page.add_init_script(SOCKET_CONTROL)
    ide.reload()
    page.keyboard.press("Control+Backquote")
    expect(terminal_tabs(page)).to_have_count(1)
    wait_for_text(ide, r"shop-project")
    type_line(page, "sleep 1; echo offline-$((5*5)); echo")
    # Drop the connection; the page stays offline for 3 s while the shell prints.
    page.evaluate("() => { window.__blockUntil = Date.now() + 3000; "
                  "window.__sockets.forEach((s) => s.close()); }")
    expect(page.locator(".status-bar")).to_contain_text("Offline")
    page.wait_for_timeout(1500)
    assert "offline-25" not in rows_text(page)  # printed by now, but the page is offline
    expect(page.locator(".status-bar")).to_contain_text("Connected", timeout=20_000)
    text = wait_for_text(ide, r"offline-25")
    assert text.count("offline-25") == 1, f"the missed output was not drawn once:\n{text}"
    # Still attached after the reconnect: input and output flow.
    type_line(page, "echo back-$((3*3))")
    wait_for_text(ide, r"back-9")
