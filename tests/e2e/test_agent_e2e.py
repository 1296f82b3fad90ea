"""The agent view in Chromium (issue 14), against the real server and a scripted model.

A run in Edit mode: the scripted model reads a file, edits two files (one edit_file step each),
asks to run `python -c 'print(42)'` — the approval shows that exact command, survives a page
reload (the view rejoins the run and replays its log), and Approve runs it — then finishes. The
timeline shows each step, the result and "Completed"; the run's change set opens in the review,
where one hunk is accepted and the other rejected (checked on disk), and restoring the
checkpoint before the run's first edit puts the file back (checked on disk).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.support.openai_server import ScriptedOpenAI, scripted_openai
from tests.support.server import RunningServer, start_server

from .conftest import FILES, IDE, ORDERS_PY

pytestmark = pytest.mark.e2e

INVENTORY_PY = FILES["shop/inventory.py"]
ORDERS_AFTER = ORDERS_PY.replace("VAT_RATE = 0.2\n", "VAT_RATE = 0.25\n")
INVENTORY_AFTER = INVENTORY_PY.replace(
    "self.items: dict[str, int] = {}", "self.items: dict[str, int] = {}  # sku -> count")
TASK = "Raise the VAT rate to 25 % and document the inventory's items; check python works."
COMMAND = ["python", "-c", "print(42)"]
RULES = "# Rules\n\nAlways keep VAT rates as module constants.\n"
ALLOW = '[agent]\nallowed_commands = [["python", "-c", "*"]]\n'
MCP_SERVER = str(Path(__file__).parents[1] / "support" / "mcp_server.py")
FINAL = "Done: VAT is 25 % now, the inventory is documented and the command printed 42."


def tool_messages(body: dict[str, Any]) -> list[str]:
    """What the model was shown of its tool calls so far (the `tool` messages)."""
    return [str(m.get("content", "")) for m in body.get("messages", []) if m.get("role") == "tool"]


def finish(body: dict[str, Any]) -> dict[str, Any]:
    # Only claims success when the command's output really reached the model.
    printed = any("42" in text for text in tool_messages(body)[-1:])
    return {"text": FINAL if printed else "The command's output never came back."}


TURNS: list[Any] = [
    {"text": "I'll read the orders module first.",
     "tool_calls": [{"name": "read_file", "arguments": {"path": "shop/orders.py"}}]},
    {"text": "Raising the rate.",
     "tool_calls": [{"name": "edit_file", "arguments": {
         "path": "shop/orders.py", "old_text": "VAT_RATE = 0.2\n",
         "new_text": "VAT_RATE = 0.25\n"}}]},
    {"text": "Documenting the items.",
     "tool_calls": [{"name": "edit_file", "arguments": {
         "path": "shop/inventory.py", "old_text": "self.items: dict[str, int] = {}",
         "new_text": "self.items: dict[str, int] = {}  # sku -> count"}}]},
    {"text": "Checking that python runs.",
     "tool_calls": [{"name": "run_command", "arguments": {"argv": COMMAND}}]},
    finish,
]


@pytest.fixture
def model_server() -> Iterator[ScriptedOpenAI]:
    with scripted_openai(models=["agent-model"], turns=list(TURNS),
                         reply="(no more scripted turns)") as server:
        yield server


@pytest.fixture
def server(e2e_workspace: Path, tmp_path: Path, model_server: ScriptedOpenAI
           ) -> Iterator[RunningServer]:
    (e2e_workspace / "AGENTS.md").write_text(RULES)
    (e2e_workspace / ".pairpad").mkdir()
    (e2e_workspace / ".pairpad/config.toml").write_text(ALLOW)
    running = start_server(e2e_workspace, tmp_path / "data", env={
        # A real MCP server (stdio) and one whose program does not exist.
        "PAIRPAD_AGENT__MCP__TOOLS__COMMAND": json.dumps([sys.executable, MCP_SERVER]),
        "PAIRPAD_AGENT__MCP__BROKEN__COMMAND": '["pairpad-no-such-mcp-server"]',
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__KIND": "openai_compat",
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__BASE_URL": model_server.base_url,
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__MODELS": '["agent-model"]',
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__CONTEXT_WINDOW": "16384",
        "PAIRPAD_AI__ROLES__CHAT": "scripted:agent-model",
    })
    yield running
    running.stop()


def disk(ide: IDE, path: str) -> str:
    return (ide.workspace / path).read_text()


def agent_view(ide: IDE, page: Page | None = None) -> Locator:
    """The Agent view, shown from the activity bar unless it already is (the layout is kept)."""
    page = page or ide.page
    view = page.get_by_role("region", name="Agent")
    if not view.is_visible():
        page.get_by_role("button", name="Agent (Ctrl+I)").click()
    expect(view).to_be_visible()
    return view


def test_an_edit_run_with_an_approved_command_then_review_and_restore(
        ide: IDE, model_server: ScriptedOpenAI) -> None:
    page = ide.page
    view = agent_view(ide)
    ide.screenshot("agent-empty")

    # What the agent is given: the rule file (with its cost) and the MCP servers' states.
    sources = view.locator(".agent-sources")
    sources.locator("summary").click()
    expect(sources.locator("li", has_text="AGENTS.md")).to_contain_text("tokens")
    server = sources.locator('[data-testid="agent-mcp-server"][data-server="tools"]')
    expect(server).to_contain_text("ready", timeout=30_000)
    expect(server).to_contain_text("echo")
    broken = sources.locator('[data-testid="agent-mcp-server"][data-server="broken"]')
    expect(broken).to_contain_text("failed")
    expect(broken.locator(".agent-error-text")).to_contain_text("pairpad-no-such-mcp-server")
    # The workspace's allow-list is shown, not in effect until approved.
    allow = sources.get_by_test_id("agent-allow-list")
    expect(allow).to_contain_text("python -c *")
    expect(allow).to_contain_text("not in effect until you approve it")
    ide.screenshot("agent-sources")
    sources.locator("summary").click()

    # The model picker offers the configured model; Edit mode explains itself.
    expect(view.get_by_role("combobox", name="Model").locator("option")).to_contain_text(
        ["Default model (scripted:agent-model)", "scripted:agent-model"])
    view.get_by_role("radio", name="Edit").click()
    expect(view.get_by_role("radio", name="Edit")).to_have_attribute("aria-checked", "true")
    expect(view).to_contain_text("asks before each command")

    box = view.get_by_role("textbox", name="Task")
    box.fill(TASK)
    box.press("Control+Enter")

    # The command waits for approval, shown exactly as it would run.
    approval = view.get_by_test_id("agent-approval")
    expect(approval).to_be_visible(timeout=30_000)
    expect(approval.get_by_test_id("agent-approval-detail")).to_have_text("python -c 'print(42)'")
    expect(view.get_by_test_id("agent-status")).to_have_text("waiting for your approval")
    # The steps so far: the read, two edits with their diffs, on disk while they wait for review.
    tools = view.get_by_test_id("agent-tool")
    expect(tools).to_have_count(4)
    expect(tools.nth(0)).to_have_attribute("data-tool", "read_file")
    expect(tools.nth(0)).to_have_attribute("data-state", "ok")
    changes = view.get_by_test_id("agent-file-change")
    expect(changes).to_have_count(2)
    expect(changes.nth(0)).to_have_attribute("data-path", "shop/orders.py")
    expect(changes.nth(0).locator(".agent-diff-line.add")).to_have_text("+VAT_RATE = 0.25")
    expect(changes.nth(0).locator(".agent-diff-line.del")).to_have_text("-VAT_RATE = 0.2")
    expect(changes.nth(1)).to_have_attribute("data-path", "shop/inventory.py")
    assert disk(ide, "shop/orders.py") == ORDERS_AFTER
    assert disk(ide, "shop/inventory.py") == INVENTORY_AFTER
    ide.screenshot("agent-approval")

    # A reload rejoins the run: its log is replayed and the approval is back (the side bar
    # still shows the Agent view).
    ide.problems.navigating = True
    try:
        page.reload()
    finally:
        ide.problems.navigating = False
    view = page.get_by_role("region", name="Agent")
    approval = view.get_by_test_id("agent-approval")
    expect(approval.get_by_test_id("agent-approval-detail")).to_have_text("python -c 'print(42)'")
    expect(view.get_by_test_id("agent-file-change")).to_have_count(2)
    expect(view.get_by_test_id("agent-message").first).to_contain_text(
        "I'll read the orders module first.")

    approval.get_by_role("button", name="Approve").click()
    finished = view.get_by_test_id("agent-finished")
    expect(finished).to_have_attribute("data-reason", "completed", timeout=30_000)
    expect(finished).to_contain_text("Completed: the agent finished the task.")
    expect(approval).to_have_count(0)
    command = view.locator('[data-testid="agent-tool"][data-tool="run_command"]')
    expect(command).to_have_attribute("data-state", "ok")
    expect(command).to_contain_text("Approved by you")
    command.get_by_role("button", name="Show the result").click()
    expect(command.get_by_test_id("agent-result").locator("pre")).to_contain_text("42")
    expect(view.get_by_test_id("agent-message").last).to_have_text(FINAL)
    expect(view.get_by_test_id("agent-status")).to_have_text("completed")
    # Steps and tokens in the header (five model turns of 100 + 10 tokens each).
    expect(view.get_by_test_id("agent-steps")).to_have_text("5")
    expect(view.get_by_test_id("agent-run-head")).to_contain_text("500 in · 50 out tokens")
    ide.screenshot("agent-completed")

    # The model saw the command's output and was given the agent's tools.
    last = model_server.chat_bodies()[-1]
    assert any("42" in text for text in tool_messages(last))
    names = {t["function"]["name"] for t in model_server.chat_bodies()[0].get("tools", [])}
    assert {"read_file", "edit_file", "run_command"} <= names

    # The runs list has it, with its outcome.
    view.get_by_role("button", name="Runs").click()
    run = view.get_by_test_id("agent-run").first
    expect(run).to_contain_text(TASK)
    expect(run).to_contain_text("completed")
    ide.screenshot("agent-runs")
    run.click()
    expect(view.get_by_test_id("agent-finished")).to_have_attribute("data-reason", "completed")

    # Review: the run's one change set, a hunk per file; accept one, reject the other.
    view.get_by_role("button", name="Review all changes").click()
    review = page.get_by_test_id("review")
    expect(review).to_be_visible()
    expect(review.locator(".review-set-title").first).to_have_text(TASK)
    review.get_by_role("button", name="Accept shop/orders.py").click()
    expect(review.locator('.review-file[data-path="shop/orders.py"]')).to_have_attribute(
        "data-review", "accepted")
    review.get_by_role("button", name="Reject shop/inventory.py").click()
    ide.wait_until(lambda: disk(ide, "shop/inventory.py") == INVENTORY_PY,
                   "the rejected hunk put back on disk")
    assert disk(ide, "shop/orders.py") == ORDERS_AFTER
    ide.screenshot("agent-review-decided")

    # Restore checkpoint on the run's first edit: that step and the later one are undone (the
    # accepted change goes too); the review lists the same checkpoint.
    checkpoints = page.get_by_role("region", name="Checkpoints")
    expect(checkpoints.locator(".review-checkpoint").last).to_contain_text(
        "edit_file shop/orders.py")
    first_edit = view.locator('[data-testid="agent-tool"][data-tool="edit_file"]').first
    first_edit.get_by_role("button", name="Restore checkpoint").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("edit_file shop/orders.py")
    dialog.get_by_role("button", name="Restore").click()
    ide.wait_until(lambda: disk(ide, "shop/orders.py") == ORDERS_PY, "the checkpoint restored")
    assert disk(ide, "shop/inventory.py") == INVENTORY_PY
    ide.screenshot("agent-restored")



DENY_TURNS: list[Any] = [
    {"text": "Publishing first.",
     "tool_calls": [{"name": "run_command", "arguments": {"argv": ["git", "push", "--force"]}}]},
    {"text": "Then checking python.",
     "tool_calls": [{"name": "run_command", "arguments": {"argv": ["python", "-c", "print(1)"]}}]},
]


def test_a_denied_command_is_an_error_the_model_sees_and_cancel_ends_the_run(
        ide: IDE, model_server: ScriptedOpenAI) -> None:
    model_server.turns[:] = list(DENY_TURNS)
    page = ide.page
    view = agent_view(ide)
    box = view.get_by_role("textbox", name="Task")
    # Agent: New Task (Ctrl+I) puts the cursor in the task box wherever focus was.
    page.mouse.click(800, 300)  # the editor area
    expect(box).not_to_be_focused()
    page.keyboard.press("Control+I")
    expect(box).to_be_focused()
    box.fill("Push the branch.")
    view.get_by_role("button", name="Run", exact=True).click()

    approval = view.get_by_test_id("agent-approval")
    expect(approval.get_by_test_id("agent-approval-detail")).to_have_text(
        "git push --force", timeout=30_000)

    # A second window follows the run from the runs list and answers for it.
    other = ide.page.context.new_page()
    other.goto(ide.server.base_url)
    other.get_by_role("button", name="Agent (Ctrl+I)").wait_for()
    other_view = agent_view(ide, other)
    other_view.get_by_role("button", name="Runs").click()
    other_view.get_by_test_id("agent-run").filter(has_text="Push the branch.").click()
    other_approval = other_view.get_by_test_id("agent-approval")
    expect(other_approval.get_by_test_id("agent-approval-detail")).to_have_text("git push --force")
    other_approval.get_by_role("button", name="Deny").click()

    # The denial is the call's (error) result, and the model goes on to its next call.
    pushed = view.locator('[data-testid="agent-tool"]').first
    expect(pushed).to_have_attribute("data-state", "error")
    expect(pushed).to_contain_text("Denied by you")
    expect(pushed.get_by_test_id("agent-result")).to_contain_text("Error")
    expect(approval.get_by_test_id("agent-approval-detail")).to_have_text(
        "python -c 'print(1)'", timeout=30_000)
    assert "denied" in tool_messages(model_server.chat_bodies()[-1])[-1]

    # Cancel while it waits: the approval goes, the run says why it ended.
    view.get_by_role("button", name="Cancel").click()
    finished = view.get_by_test_id("agent-finished")
    expect(finished).to_have_attribute("data-reason", "cancelled")
    expect(finished).to_contain_text("Cancelled: the run was stopped on request.")
    expect(approval).to_have_count(0)
    expect(view.get_by_test_id("agent-tool").nth(1)).to_contain_text("Not decided: the run ended")
    expect(view.get_by_test_id("agent-status")).to_have_text("cancelled")
    expect(view.get_by_role("button", name="Run", exact=True)).to_be_visible()
    ide.screenshot("agent-cancelled")
    # The other window saw it end too.
    expect(other_view.get_by_test_id("agent-finished")).to_have_attribute(
        "data-reason", "cancelled")
    other.close()


def test_auto_mode_runs_a_command_of_the_approved_allow_list_unasked(
        ide: IDE, model_server: ScriptedOpenAI) -> None:
    model_server.turns[:] = [
        {"text": "Checking.",
         "tool_calls": [{"name": "run_command",
                         "arguments": {"argv": ["python", "-c", "print(7)"]}}]},
        {"text": "It printed 7."},
    ]
    page = ide.page
    view = agent_view(ide)
    sources = view.locator(".agent-sources")
    sources.locator("summary").click()
    allow = sources.get_by_test_id("agent-allow-list")
    allow.get_by_role("button", name="Approve the workspace's list…").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("python -c *")
    dialog.get_by_role("button", name="Approve").click()
    expect(allow).not_to_contain_text("not in effect")
    sources.locator("summary").click()

    view.get_by_role("radio", name="Auto").click()
    expect(view).to_contain_text("runs allow-listed commands without asking")
    view.get_by_role("textbox", name="Task").fill("Check python.")
    view.get_by_role("button", name="Run", exact=True).click()

    finished = view.get_by_test_id("agent-finished")
    expect(finished).to_have_attribute("data-reason", "completed", timeout=30_000)
    command = view.locator('[data-testid="agent-tool"][data-tool="run_command"]')
    expect(command).to_have_attribute("data-state", "ok")
    expect(command.get_by_test_id("agent-result")).to_contain_text("python -c 'print(7)'")
    expect(view.get_by_test_id("agent-approval")).to_have_count(0)
    ide.screenshot("agent-auto")
