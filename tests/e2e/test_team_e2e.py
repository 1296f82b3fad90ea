"""Team mode in Chromium: sign up, enrol TOTP, sign out, sign in with the code, create a
team and a workspace, open it and edit a file — on a real `pairpad serve` and PostgreSQL."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.e2e.conftest import ARTIFACTS, CSP_LISTENER, STATIC_INDEX, foreign_requests
from tests.support.team_server import PASSWORD, RunningTeamServer, running_team_server

pytestmark = pytest.mark.e2e
EMAIL = "dana@example.com"
# Chromium logs every 401 it receives as a console error: before signing in, the pages ask
# who is signed in and are told "nobody".
EXPECTED_CONSOLE = re.compile(r"status of 401|status of 403")


@pytest.fixture
def team_server(tmp_path: Path) -> Iterator[RunningTeamServer]:
    assert STATIC_INDEX.is_file(), "the UI is not built: run make"
    with running_team_server(tmp_path) as server:
        yield server


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"team-{name}.png"), full_page=True)


def test_sign_up_enrol_totp_sign_in_with_the_code_and_open_a_team_workspace(
    team_server: RunningTeamServer, page: Page
) -> None:
    base = team_server.base_url
    problems: list[str] = []
    urls: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not EXPECTED_CONSOLE.search(message.text):
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("request", lambda request: urls.append(request.url))
    page.on("response", lambda response: problems.append(
        f"{response.status} {response.request.method} {response.url}")
        if response.status == 404 else None)
    page.on("websocket", lambda socket: urls.append(socket.url))

    # Sign up (signed in at once; the email is verified later, by the mailed link).
    page.goto(f"{base}/")
    page.wait_for_url(re.compile(r"/signin"))
    page.get_by_test_id("signup-link").click()
    page.get_by_test_id("signup-email").fill(EMAIL)
    page.get_by_test_id("signup-password").fill(PASSWORD)
    page.get_by_test_id("signup-submit").click()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(EMAIL)
    expect(page.get_by_test_id("unverified")).to_be_visible()
    _shot(page, "1-signed-up")

    # Enrol TOTP: the QR code and the secret, a code from an authenticator, recovery codes.
    page.get_by_test_id("nav-account").click()
    page.get_by_test_id("totp-setup").click()
    expect(page.get_by_test_id("totp-qr")).to_be_visible()
    secret = re.sub(r"\s", "", page.get_by_test_id("totp-secret").inner_text())
    authenticator = pyotp.TOTP(secret)
    page.get_by_test_id("totp-code").fill(authenticator.now())
    page.get_by_test_id("totp-enable").click()
    codes = page.get_by_test_id("recovery-codes")
    expect(codes).to_be_visible()
    assert len(re.findall(r"[A-Z0-9]{4,}", codes.inner_text())) >= 10
    _shot(page, "2-totp-enrolled")
    if page.get_by_test_id("recovery-codes-done").count():
        page.get_by_test_id("recovery-codes-done").click()
    expect(page.get_by_test_id("totp-status")).to_contain_text(re.compile("on|enabled", re.I))

    # Sign out; signing in again asks for the code (the next step's: this one was used).
    page.get_by_test_id("signout").click()
    page.wait_for_url(re.compile(r"/signin"))
    page.get_by_test_id("signin-email").fill(EMAIL)
    page.get_by_test_id("signin-password").fill(PASSWORD)
    page.get_by_test_id("signin-submit").click()
    expect(page.get_by_test_id("mfa-code")).to_be_visible()
    _shot(page, "3-mfa-step")
    page.get_by_test_id("mfa-code").fill("000000" if authenticator.now() != "000000" else "111111")
    page.get_by_test_id("mfa-submit").click()
    expect(page.get_by_test_id("mfa-error")).to_be_visible()  # a wrong code is refused
    page.get_by_test_id("mfa-code").fill(authenticator.at(time.time() + 30))
    page.get_by_test_id("mfa-submit").click()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(EMAIL)

    # A team, a workspace in it, a file in its folder; open it in the workbench.
    page.get_by_test_id("team-create-name").fill("Platform")
    page.get_by_test_id("team-create-submit").click()
    page.get_by_test_id("workspace-create-name").fill("billing")
    page.get_by_test_id("workspace-create-submit").click()
    link = page.locator('[data-testid^="workspace-link-"]')
    expect(link).to_have_count(1)
    folders = [p for p in team_server.workspaces.iterdir() if not p.name.startswith(".")]
    assert len(folders) == 1
    (folders[0] / "invoice.py").write_text("TOTAL = 42\n")
    _shot(page, "4-home")
    link.click()
    page.wait_for_url(re.compile(r"/w/[0-9a-f]+/$"))
    tree = page.get_by_role("tree", name="Files")
    tree.get_by_role("treeitem", name="invoice.py", exact=True).dblclick()
    editor = page.locator(".editor-group.focused .monaco-editor .view-lines")
    expect(editor).to_contain_text("TOTAL = 42")
    _shot(page, "5-workspace")

    assert problems == []
    assert foreign_requests(urls, base) == []
