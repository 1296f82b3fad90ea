"""Tasks, Output and Problems in the real UI (issue 12): a workspace with a failing pytest test
and a ruff lint error; the test and lint tasks run from the command palette in the real
sandbox; the Problems panel lists both and the editor underlines their lines; a click opens
the file there; Monaco's own markers (a JSON syntax error) are listed too; the status bar
names the sandbox; a task from the workspace's .pairpad/config.toml asks before it runs.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, expect

from tests.support.server import RunningServer, start_server
from tests.support.toolchain import READONLY_PATHS_ENV

from .conftest import IDE, commit_all

pytestmark = pytest.mark.e2e

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "problems_project"
SHOTS = Path("/tmp/shots")
EDITOR = ".editor-group.focused .monaco-editor"
CONFIG_TASK = (
    "[commands]\n"
    'hello = ["python3", "-c", "print(\'hello from the workspace config\')"]\n'
    'sleeper = ["python3", "-c", "import time; print(\'sleeping\', flush=True); time.sleep(120)"]\n'
)


@pytest.fixture
def e2e_workspace(tmp_path: Path) -> Path:
    root = tmp_path / "calc-project"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("__pycache__", ".*_cache"))
    (root / ".pairpad").mkdir()
    (root / ".pairpad" / "config.toml").write_text(CONFIG_TASK)
    (root / "settings.json").write_text('{\n  "a": 1\n  "b": 2\n}\n')
    return commit_all(root)


@pytest.fixture
def server_env() -> dict[str, str]:
    """Extra environment of the server (a test parametrizes it)."""
    return {}


@pytest.fixture
def server(
    e2e_workspace: Path, tmp_path: Path, server_env: dict[str, str]
) -> Iterator[RunningServer]:
    """The server with this venv's tools (ruff) on PATH, as a developer's shell has them."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    running = start_server(e2e_workspace, tmp_path / "data",
                           env={"PATH": path, **READONLY_PATHS_ENV, **server_env})
    yield running
    running.stop()


def run_command(ide: IDE, title: str) -> None:
    page = ide.page
    page.keyboard.press("Control+Shift+P")
    box = page.get_by_role("combobox", name="Command")
    box.fill(f">{title}")
    palette = page.get_by_role("dialog", name="Command Palette")
    expect(palette.get_by_role("option").first).to_contain_text(title)
    page.keyboard.press("Enter")
    expect(box).to_have_count(0)


def output_view(ide: IDE) -> Locator:
    return ide.page.get_by_role("tabpanel", name="Output")


def problems_view(ide: IDE) -> Locator:
    return ide.page.get_by_role("tabpanel", name="Problems")


def problem_rows(ide: IDE, path: str) -> Locator:
    return problems_view(ide).locator(f'[data-path="{path}"] .problem-row')


def run_task_and_wait(ide: IDE, title: str, exit_text: str) -> None:
    """Runs a task from the palette; the Output view shows its command and how it ended."""
    run_command(ide, title)
    output = output_view(ide)
    expect(output).to_be_visible()
    expect(output.locator(".output-header")).to_contain_text("sandbox: bubblewrap")
    expect(output.get_by_test_id("output-exit")).to_contain_text(exit_text, timeout=60_000)


def squiggle_on_line(ide: IDE, text: str) -> bool:
    """Whether the focused editor draws an error/warning squiggle on the line showing `text`."""
    return bool(ide.page.evaluate(
        """([selector, text]) => {
          const editor = document.querySelector(selector);
          const line = [...editor.querySelectorAll('.view-line')]
            .find((l) => l.textContent.replace(/\\u00a0/g, ' ').includes(text));
          if (!line) return false;
          const top = line.style.top;
          return [...editor.querySelectorAll('.squiggly-error, .squiggly-warning')]
            .some((s) => s.parentElement.style.top === top);
        }""",
        [EDITOR, text],
    ))


def test_test_and_lint_problems_in_panel_and_editor(ide: IDE) -> None:
    page = ide.page
    sandbox = page.get_by_test_id("status-sandbox")
    expect(sandbox).to_have_text("bubblewrap")
    sandbox.click()
    details = page.get_by_role("dialog", name="Sandbox")
    expect(details).to_contain_text("Commands run in bubblewrap.")
    expect(details).to_contain_text("Network: off")
    page.screenshot(path=str(SHOTS / "sandbox-popover.png"))
    page.keyboard.press("Escape")
    expect(details).to_have_count(0)

    run_command(ide, "View: Show Problems")
    expect(problems_view(ide)).to_contain_text("No problems have been detected in the workspace.")

    run_task_and_wait(ide, "Tasks: Run Test Task", "exited with code 1")
    expect(output_view(ide).locator(".output-text")).to_contain_text("test_subtract")
    page.screenshot(path=str(SHOTS / "output-panel.png"))

    run_task_and_wait(ide, "Tasks: Run Lint Task", "exited with code 1")
    run_command(ide, "View: Show Problems")
    test_row = problem_rows(ide, "tests/test_calc.py").first
    lint_row = problem_rows(ide, "calc/__init__.py").filter(has_text="ruff(F401)")
    expect(test_row).to_contain_text("pytest")
    expect(test_row).to_contain_text("[Ln 9,")
    expect(lint_row).to_contain_text("[Ln 3, Col 8]")
    expect(lint_row).to_contain_text("os")
    expect(page.get_by_test_id("problems-badge")).to_have_text("2")

    # Monaco's own markers are listed beside the tasks': the JSON worker's syntax error.
    ide.open_file("settings.json")
    json_rows = problem_rows(ide, "settings.json")
    expect(json_rows.first).to_be_visible()
    expect(json_rows.first).to_have_attribute("data-owner", "json")
    expect(page.get_by_test_id("problems-badge")).to_have_text("3")
    page.screenshot(path=str(SHOTS / "problems-panel.png"))

    # A click opens the file at the problem, and the editor underlines that line.
    lint_row.click()
    ide.wait_editor("calc/__init__.py")
    expect(page.get_by_test_id("status-position")).to_have_text("Ln 3, Col 8")
    ide.wait_until(lambda: squiggle_on_line(ide, "import os"), "a squiggle under `import os`")
    assert not squiggle_on_line(ide, "def add"), "only the problem's line is underlined"

    test_row.focus()
    page.keyboard.press("Enter")
    ide.wait_editor("tests/test_calc.py")
    expect(page.get_by_test_id("status-position")).to_contain_text("Ln 9,")
    ide.wait_until(lambda: squiggle_on_line(ide, "assert subtract(5, 3) == 2"),
                   "a squiggle under the failing assert")
    page.screenshot(path=str(SHOTS / "problems-editor-markers.png"))

    # Problems refresh when the task runs again: the lint error fixed on disk, lint re-run.
    init = ide.workspace / "calc" / "__init__.py"
    init.write_text(init.read_text().replace("import os\n\n\n", ""))
    run_task_and_wait(ide, "Tasks: Run Lint Task", "exited with code 0")
    run_command(ide, "View: Show Problems")
    expect(problem_rows(ide, "calc/__init__.py")).to_have_count(0)
    expect(problem_rows(ide, "tests/test_calc.py").first).to_be_visible()


def test_a_config_task_asks_before_it_runs(ide: IDE) -> None:
    page = ide.page
    run_command(ide, "Tasks: Run Task")
    picker = page.get_by_test_id("task-picker")
    hello = picker.locator('[data-task="hello"]')
    expect(hello).to_contain_text("asks first")
    expect(picker.locator('[data-task="test"]')).to_contain_text("detected")
    page.screenshot(path=str(SHOTS / "task-picker.png"))
    hello.click()

    dialog = page.get_by_test_id("task-approval")
    expect(dialog).to_contain_text("Run a task from the workspace's .pairpad/config.toml?")
    chips = dialog.get_by_test_id("task-approval-argv").locator(".arg")
    expect(chips).to_have_text(["python3", "-c", "print('hello from the workspace config')"])
    expect(dialog).to_contain_text("runs in the sandbox")
    page.screenshot(path=str(SHOTS / "task-approval.png"))
    # Cancel has the focus: Enter does not run it.
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    expect(output_view(ide)).to_have_count(0)

    run_command(ide, "Tasks: Run Task")
    page.get_by_test_id("task-picker").locator('[data-task="hello"]').click()
    page.get_by_test_id("task-approval").get_by_role("button", name="Approve & Run").click()
    expect(output_view(ide).locator(".output-text")).to_contain_text(
        "hello from the workspace config", timeout=60_000)
    expect(output_view(ide).get_by_test_id("output-exit")).to_contain_text("exited with code 0")

    # Approved: the next run does not ask again.
    run_command(ide, "Tasks: Run Task")
    page.get_by_test_id("task-picker").locator('[data-task="hello"]').click()
    expect(page.get_by_label("Task run").locator("option")).to_have_count(2)
    expect(page.get_by_test_id("task-approval")).to_have_count(0)

    # A running task is cancelled from the palette; the Output view says so.
    run_command(ide, "Tasks: Run Task")
    page.get_by_test_id("task-picker").locator('[data-task="sleeper"]').click()
    page.get_by_test_id("task-approval").get_by_role("button", name="Approve & Run").click()
    expect(output_view(ide).locator(".output-text")).to_contain_text("sleeping", timeout=60_000)
    expect(output_view(ide).locator(".output-header")).to_contain_text("time.sleep(120)")
    run_command(ide, "Tasks: Cancel Running Task")
    expect(output_view(ide).get_by_test_id("output-exit")).to_contain_text("cancelled")
    page.screenshot(path=str(SHOTS / "output-cancelled.png"))


@pytest.mark.parametrize("server_env", [{"PAIRPAD_RUNTIME__SANDBOX": "none"}])
def test_without_a_sandbox_the_ui_says_so_and_tasks_are_refused(ide: IDE) -> None:
    page = ide.page
    sandbox = page.get_by_test_id("status-sandbox")
    expect(sandbox).to_have_text("No sandbox")
    expect(sandbox).to_have_class(re.compile(r"sandbox-none"))
    expect(sandbox).to_have_attribute("title", re.compile("Commands are refused"))
    run_command(ide, "Tasks: Run Test Task")
    alert = page.get_by_role("alert").filter(has_text='Could not run the task "test"')
    expect(alert).to_be_visible()
    expect(output_view(ide)).to_have_count(0)
    page.screenshot(path=str(SHOTS / "no-sandbox.png"))
