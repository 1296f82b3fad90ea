"""Source control in Chromium (issue 15): the Source Control view lists a modified file with
its decorations, a hunk is staged from the diff, the file is staged, a message typed and
committed (checked with git on disk); the gutter marks a changed line; the branch picker
creates a branch."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import IDE, ORDERS_PY

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                          text=True).stdout


def shot(ide: IDE, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    ide.page.screenshot(path=str(SHOTS / f"scm-{name}.png"))


def show_scm(ide: IDE) -> None:
    ide.page.get_by_role("button", name="Source Control", exact=False).first.click()
    expect(ide.page.get_by_test_id("scm-view")).to_be_visible()


def test_stage_a_hunk_then_the_file_and_commit(ide: IDE) -> None:
    root = ide.workspace
    git(root, "config", "user.name", "E2E")
    git(root, "config", "user.email", "e2e@pairpad.invalid")
    # Two changes far apart in orders.py, and an untracked file.
    changed = ORDERS_PY.replace("VAT_RATE = 0.2", "VAT_RATE = 0.25").replace(
        '"""Total in cents, VAT included."""', '"""Total in cents, VAT included (25%)."""')
    (root / "shop" / "orders.py").write_text(changed)
    (root / "todo.md").write_text("- ship it\n")
    page = ide.page
    show_scm(ide)
    row = page.locator('[data-testid="scm-row"][data-path="shop/orders.py"]')
    expect(row).to_be_visible()
    expect(row.locator(".scm-letter")).to_have_text("M")
    untracked = page.locator('[data-testid="scm-row"][data-path="todo.md"]')
    expect(untracked.locator(".scm-letter")).to_have_text("U")
    page.locator('[data-group="changes"]').wait_for()

    # The diff against the index, one bar per hunk; stage the first hunk only.
    row.click()
    bars = page.get_by_test_id("scm-hunk-bar")
    expect(bars).to_have_count(2)
    shot(ide, "diff")
    # Monaco hides its view zones from the accessibility tree: CSS locators.
    bars.first.locator('button[aria-label="Stage change 1"]').click()
    expect(page.locator('[data-group="staged"] [data-path="shop/orders.py"]')).to_be_visible()
    cached = git(root, "diff", "--cached", "-U0")
    assert "+VAT_RATE = 0.25" in cached and "(25%)" not in cached
    expect(bars).to_have_count(1)

    # Stage the rest of the file from the view, type a message, Ctrl+Enter commits.
    page.locator('[data-group="changes"] [data-path="shop/orders.py"]').hover()
    page.get_by_role("button", name="Stage orders.py").click()
    expect(page.locator('[data-group="changes"]')).to_have_count(0)
    message = page.get_by_role("textbox", name="Commit message")
    message.fill("Raise VAT to 25%")
    shot(ide, "before-commit")
    message.press("Control+Enter")
    expect(page.locator('[data-group="staged"]')).to_have_count(0)
    assert git(root, "log", "-1", "--format=%s").strip() == "Raise VAT to 25%"
    assert git(root, "show", "--stat", "--format=", "HEAD").count("shop/orders.py") == 1
    expect(message).to_have_value("")
    # Only the untracked file is left, lettered U in the explorer too.
    expect(page.locator('[data-testid="scm-row"]')).to_have_count(1)
    page.get_by_role("button", name="Explorer", exact=False).first.click()
    expect(ide.tree_item("todo.md").locator(".deco-letter")).to_have_text("U")
    shot(ide, "after-commit")


def test_gutter_marks_a_changed_line_and_the_peek_reverts_it(ide: IDE) -> None:
    page = ide.page
    ide.open_file("shop/orders.py")
    ide.focus_editor_end()
    page.keyboard.type("# added line")
    marker = page.locator(".editor-group.focused .monaco-editor .scm-gutter-added")
    expect(marker).to_have_count(1)
    page.keyboard.press("Control+Home")
    page.keyboard.press("End")
    page.keyboard.type("  # edited")
    modified = page.locator(".editor-group.focused .monaco-editor .scm-gutter-modified")
    expect(modified).to_have_count(1)
    marker.click()
    peek = page.get_by_test_id("scm-peek")
    expect(peek).to_be_visible()
    shot(ide, "peek")
    peek.locator("button", has_text="Revert").click()
    expect(marker).to_have_count(0)
    assert "# added line" not in ide.editor_text()


def test_the_status_bar_branch_creates_and_switches_branches(ide: IDE) -> None:
    page = ide.page
    branch = page.get_by_test_id("status-branch")
    expect(branch).to_have_text("main")
    branch.click()
    picker = page.get_by_test_id("branch-picker")
    picker.get_by_role("combobox").fill("feature/vat")
    shot(ide, "branch-picker")
    page.keyboard.press("Enter")
    expect(branch).to_have_text("feature/vat")
    assert git(ide.workspace, "branch", "--show-current").strip() == "feature/vat"
    # A commit on the branch changes README.md; the open editor follows the switch back.
    root = ide.workspace
    (root / "README.md").write_text("# Shop on feature/vat\n")
    git(root, "add", "README.md")
    git(root, "-c", "user.name=E2E", "-c", "user.email=e2e@pairpad.invalid",
        "commit", "-qm", "Branch readme")
    ide.open_file("README.md")
    expect(page.locator(".editor-group.focused .monaco-editor .view-lines")).to_contain_text(
        "feature/vat")
    branch.click()
    page.get_by_test_id("branch-picker").locator('[data-branch="main"]').click()
    expect(branch).to_have_text("main")
    assert git(root, "branch", "--show-current").strip() == "main"
    expect(page.locator(".editor-group.focused .monaco-editor .view-lines")).to_contain_text(
        "A tiny shop")
    assert "feature/vat" not in ide.editor_text()


def test_a_folder_without_git_offers_to_initialise_one(ide: IDE) -> None:
    subprocess.run(["rm", "-rf", str(ide.workspace / ".git")], check=True)
    page = ide.page
    page.evaluate("() => window.dispatchEvent(new Event('focus'))")
    show_scm(ide)
    button = page.get_by_role("button", name="Initialize Repository")
    expect(button).to_be_visible()
    button.click()
    expect(page.locator('[data-testid="scm-row"][data-path="README.md"]')).to_be_visible()
    assert (ide.workspace / ".git" / "HEAD").is_file()
