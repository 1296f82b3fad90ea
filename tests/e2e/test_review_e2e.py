"""Change review and checkpoints in Chromium (issue 13). A scripted OpenAI-compatible chat model
answers with a SEARCH/REPLACE block; the code block's Apply goes through the server's edit
engine (preview, then apply: written, a change set and a checkpoint) and opens "Review
changes": one hunk accepted and one rejected land exactly so on disk, and the open editor
follows. Restoring a checkpoint undoes the AI's change and keeps what the user saved since.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, expect

from tests.support.openai_server import ScriptedOpenAI, scripted_openai
from tests.support.server import RunningServer, start_server

from .conftest import IDE, ORDERS_PY

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")
EDITOR = ".editor-group.focused .monaco-editor"

# Two changes 9 lines apart: two hunks in the review.
REPLY = (
    "Here is the change to `shop/orders.py`:\n\n"
    "```python\n"
    "shop/orders.py\n"
    "<<<<<<< SEARCH\n"
    "VAT_RATE = 0.2\n"
    "=======\n"
    "VAT_RATE = 0.25\n"
    ">>>>>>> REPLACE\n"
    "<<<<<<< SEARCH\n"
    '    """Total in cents, VAT included."""\n'
    "=======\n"
    '    """Total in cents, VAT included, rounded half to even."""\n'
    ">>>>>>> REPLACE\n"
    "```\n\n"
    "And a helper for the sum:\n\n"
    "```python\n"
    "shop/orders.py\n"
    "<<<<<<< SEARCH\n"
    "def order_sum(order: Order) -> int:\n"
    '    """Sum of the order."""\n'
    "    return order.total_cents\n"
    "=======\n"
    "def order_sum(order: Order) -> int:\n"
    '    """Sum of the order, in cents."""\n'
    "    return order.total_cents\n"
    ">>>>>>> REPLACE\n"
    "```\n"
)
RATE_ONLY = ORDERS_PY.replace("VAT_RATE = 0.2\n", "VAT_RATE = 0.25\n")
BOTH = RATE_ONLY.replace('"""Total in cents, VAT included."""',
                         '"""Total in cents, VAT included, rounded half to even."""')
USER_LINE = "# checked by hand\n"


@pytest.fixture
def model_server() -> Iterator[ScriptedOpenAI]:
    with scripted_openai(models=["chat-model"], reply=REPLY) as server:
        yield server


@pytest.fixture
def server(e2e_workspace: Path, tmp_path: Path, model_server: ScriptedOpenAI
           ) -> Iterator[RunningServer]:
    running = start_server(e2e_workspace, tmp_path / "data", env={
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__KIND": "openai_compat",
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__BASE_URL": model_server.base_url,
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__MODELS": '["chat-model"]',
        "PAIRPAD_AI__PROVIDERS__SCRIPTED__CONTEXT_WINDOW": "8192",
        "PAIRPAD_AI__ROLES__CHAT": "scripted:chat-model",
    })
    yield running
    running.stop()


def shot(ide: IDE, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    ide.page.screenshot(path=str(SHOTS / f"{name}.png"))


def ask(ide: IDE) -> Locator:
    """Asks the chat; the scripted answer's code blocks."""
    page = ide.page
    page.get_by_role("button", name="Chat (Ctrl+Alt+I)").click()
    chat = page.get_by_role("region", name="Chat")
    box = chat.get_by_role("textbox", name="Ask about your code")
    box.fill("Raise the VAT rate to 25 % and say how the total rounds.")
    box.press("Enter")
    answer = chat.locator('[data-role="assistant"]').last
    expect(answer).to_have_attribute("aria-busy", "false", timeout=30_000)
    blocks = answer.locator(".chat-code")
    expect(blocks).to_have_count(2)
    return blocks


def apply_from_chat(ide: IDE) -> None:
    """Apply on the answer's first code block (two hunks in shop/orders.py)."""
    ask(ide).first.get_by_role("button", name="Apply").click()


def edit_line(ide: IDE, line: int, backspaces: int, text: str) -> None:
    """In the focused editor: the end of `line`, `backspaces` characters off, `text` typed."""
    page = ide.page
    page.locator(f"{EDITOR} .view-lines").click()
    page.keyboard.press("Control+G")
    box = page.locator(".quick-input-widget input.input")
    expect(box).to_be_focused()
    box.fill(f":{line}:1")
    page.keyboard.press("Enter")
    page.keyboard.press("End")
    for _ in range(backspaces):
        page.keyboard.press("Backspace")
    page.keyboard.type(text)

def user_rewrites_the_ai_line(ide: IDE) -> str:
    """In the editor (which followed the disk), the AI's `VAT_RATE = 0.25` becomes `0.3` and
    is saved; returns the file as it is then on disk."""
    page = ide.page
    page.get_by_role("tab", name="orders.py").click()
    ide.wait_editor("shop/orders.py")
    expect(page.locator(f"{EDITOR} .view-lines")).to_contain_text("VAT_RATE = 0.25")
    edit_line(ide, 3, 2, "3")
    page.keyboard.press("Control+S")
    mine = BOTH.replace("VAT_RATE = 0.25", "VAT_RATE = 0.3")
    ide.wait_until(lambda: disk(ide) == mine, "the user's edit saved")
    return mine



def disk(ide: IDE) -> str:
    return (ide.workspace / "shop/orders.py").read_text()


def test_apply_from_chat_opens_the_review_accept_one_hunk_reject_the_other(ide: IDE) -> None:
    page = ide.page
    ide.open_file("shop/orders.py")
    status = page.get_by_test_id("status-review")
    expect(status).to_have_count(0)  # nothing pending: no item

    apply_from_chat(ide)
    review = page.get_by_test_id("review")
    expect(review).to_be_visible()
    expect(page.get_by_role("tab", name="Review Changes")).to_be_visible()
    bars = page.get_by_test_id("review-hunk-bar")
    expect(bars).to_have_count(2)
    expect(bars.first).to_contain_text("Change 1 of 2")
    # Written through the engine: both changes are on disk while they wait for review...
    assert disk(ide) == BOTH
    expect(status).to_have_text("2 changes to review")
    # ...and the diff shows both sides; the file list says what waits.
    shot(ide, "review-two-hunks")
    diff = page.get_by_test_id("review-diff")
    expect(diff.locator(".editor.original")).to_contain_text("VAT_RATE = 0.2")
    expect(diff.locator(".editor.modified")).to_contain_text("VAT_RATE = 0.25")
    expect(review.locator('.review-file[data-path="shop/orders.py"]')).to_have_attribute(
        "data-review", "pending")
    # Wide enough without the side bar: the diff goes side by side, the bars still above each hunk.
    page.keyboard.press("Control+B")
    expect(diff.locator(".editor.original")).to_be_visible()
    shot(ide, "review-side-by-side")
    page.keyboard.press("Control+B")

    # The bars live in Monaco's view zones (aria-hidden there; the file list has the same
    # buttons for assistive technology): found by their label.
    bars.first.locator('button[aria-label="Accept change 1"]').click()
    expect(bars).to_have_count(1)
    expect(status).to_have_text("1 change to review")
    assert disk(ide) == BOTH  # accepting writes nothing

    bars.first.locator('button[aria-label="Reject change 2"]').click()
    expect(bars).to_have_count(0)
    expect(status).to_have_count(0)
    # Exactly the before-file plus the accepted hunk.
    ide.wait_until(lambda: disk(ide) == RATE_ONLY, "the rejected hunk put back on disk")
    expect(review.locator('.review-file[data-path="shop/orders.py"]')).to_have_attribute(
        "data-review", "partial")
    expect(review.locator('.review-hunk[data-state="accepted"]')).to_have_count(1)
    expect(review.locator('.review-hunk[data-state="rejected"]')).to_have_count(1)
    shot(ide, "review-decided")

    # The open (unmodified) editor follows the disk.
    page.get_by_role("tab", name="orders.py").click()
    ide.wait_editor("shop/orders.py")
    expect(page.locator(f"{EDITOR} .view-lines")).to_contain_text("VAT_RATE = 0.25")
    expect(page.locator(f"{EDITOR} .view-lines")).not_to_contain_text("rounded half to even")


def test_restore_a_checkpoint_keeps_the_users_later_edit(ide: IDE) -> None:
    page = ide.page
    ide.open_file("shop/orders.py")
    apply_from_chat(ide)
    expect(page.get_by_test_id("review-hunk-bar")).to_have_count(2)
    page.get_by_role("button", name="Accept All").click()
    expect(page.get_by_test_id("status-review")).to_have_count(0)
    assert disk(ide) == BOTH

    # The user adds a line at the end of the file in the editor and saves.
    page.get_by_role("tab", name="orders.py").click()
    ide.wait_editor("shop/orders.py")
    expect(page.locator(f"{EDITOR} .view-lines")).to_contain_text("VAT_RATE = 0.25")
    ide.focus_editor_end()
    page.keyboard.type(USER_LINE)
    page.keyboard.press("Control+S")
    ide.wait_until(lambda: disk(ide) == BOTH + USER_LINE, "the user's edit saved")

    # Review: Restore Checkpoint… from the palette, confirmed.
    page.keyboard.press("Control+Shift+P")
    box = page.get_by_role("combobox", name="Command")
    box.fill(">Restore Checkpoint")
    expect(page.get_by_role("option").first).to_contain_text("Restore Checkpoint")
    page.keyboard.press("Enter")
    picker = page.get_by_test_id("checkpoint-picker")
    option = picker.get_by_role("option").first
    expect(option).to_contain_text("Chat: shop/orders.py")
    expect(option).to_contain_text("chat")
    shot(ide, "checkpoint-picker")
    option.click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Restore checkpoint?")
    dialog.get_by_role("button", name="Restore").click()
    expect(page.locator(".toast")).to_contain_text("restore undone by checkpoint")

    # The AI's change is gone, the user's line stays; the editor shows it.
    ide.wait_until(lambda: disk(ide) == ORDERS_PY + USER_LINE, "the checkpoint restored")
    expect(page.locator(f"{EDITOR} .view-lines")).to_contain_text("VAT_RATE = 0.2")
    expect(page.locator(f"{EDITOR} .view-lines")).not_to_contain_text("rounded half to even")
    expect(page.locator(f"{EDITOR} .view-lines")).to_contain_text("checked by hand")
    shot(ide, "checkpoint-restored")


def test_a_refused_edit_or_an_unsaved_file_writes_nothing_and_says_why(ide: IDE) -> None:
    page = ide.page
    ide.open_file("shop/orders.py")
    blocks = ask(ide)

    # The second block's SEARCH is in no version of the file: the engine refuses, names the
    # closest region, and nothing is written.
    blocks.nth(1).get_by_role("button", name="Apply").click()
    note = blocks.nth(1).get_by_role("alert")
    expect(note).to_contain_text("Not applied (nothing was changed)")
    expect(note).to_contain_text("SEARCH matches nothing")
    expect(note).to_contain_text("def order_total")  # the closest region
    shot(ide, "apply-refused")
    assert disk(ide) == ORDERS_PY
    expect(page.get_by_test_id("review")).to_have_count(0)

    # Unsaved edits in the target's editor: Apply asks to save first and leaves both alone.
    page.get_by_role("tab", name="orders.py").click()
    ide.wait_editor("shop/orders.py")
    edit_line(ide, 1, 0, "  # mine")
    expect(ide.tab("shop/orders.py")).to_have_class("tab active dirty")
    blocks.first.get_by_role("button", name="Apply").click()
    expect(blocks.first.get_by_role("status")).to_contain_text("unsaved changes: save")
    assert disk(ide) == ORDERS_PY
    expect(page.locator(f"{EDITOR} .view-lines")).to_contain_text("import dataclass  # mine")
    expect(page.get_by_test_id("review")).to_have_count(0)


def test_rejecting_lines_the_user_changed_since_is_refused_readably(ide: IDE) -> None:
    page = ide.page
    # The refusal is the server's 409, which Chromium logs.
    ide.problems.allow(r"status of 409 \(Conflict\) \[\S+/api/changesets/\w+/reject\]")
    ide.open_file("shop/orders.py")
    apply_from_chat(ide)
    expect(page.get_by_test_id("review-hunk-bar")).to_have_count(2)

    # The user changes the AI's line 3 in the editor (which followed the disk) and saves.
    mine = user_rewrites_the_ai_line(ide)

    page.get_by_role("tab", name="Review Changes").click()
    bar = page.get_by_test_id("review-hunk-bar").first
    bar.locator('button[aria-label="Reject change 1"]').click()
    error = page.get_by_test_id("review-error")
    expect(error).to_contain_text("Could not reject this change in shop/orders.py")
    shot(ide, "review-reject-refused")
    # Nothing was lost: the user's line stays, the hunk still waits.
    assert disk(ide) == mine
    expect(page.get_by_test_id("review-hunk-bar")).to_have_count(2)
    error.get_by_role("button", name="Dismiss").click()
    expect(error).to_have_count(0)


def test_a_restore_that_overlaps_a_user_edit_lists_the_conflict_and_writes_nothing(
    ide: IDE,
) -> None:
    page = ide.page
    ide.problems.allow(r"status of 409 \(Conflict\) \[\S+/api/checkpoints/\w+/restore\]")
    ide.open_file("shop/orders.py")
    apply_from_chat(ide)
    expect(page.get_by_test_id("review-hunk-bar")).to_have_count(2)

    # The user rewrites the AI's line 3 and saves: the AI change and the user's overlap.
    mine = user_rewrites_the_ai_line(ide)

    # Restore from the review's checkpoint list.
    page.get_by_role("tab", name="Review Changes").click()
    checkpoints = page.get_by_role("region", name="Checkpoints")
    name = "Restore checkpoint Before “Chat: shop/orders.py”"
    checkpoints.get_by_role("button", name=name).click()
    page.get_by_role("alertdialog").get_by_role("button", name="Restore").click()
    refused = checkpoints.get_by_role("alert")
    expect(refused).to_contain_text("Restore refused")
    expect(refused).to_contain_text("shop/orders.py")
    shot(ide, "checkpoint-refused")
    assert disk(ide) == mine  # nothing written, the user's line kept
