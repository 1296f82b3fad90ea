"""Language servers in the real UI (issue 15), driven in Chromium against the real
basedpyright, ruff and typescript-language-server: F2 renames a function across two Python
files and across two TypeScript files through a preview (both files change on disk), Format
Document formats a badly formatted file (ruff), the Problems panel lists basedpyright's type
error and a click jumps to its line, and Monaco's own JSON syntax error is listed too. The
status bar shows the servers' state.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, expect

from tests.support.server import RunningServer, start_server

from .conftest import IDE, make_workspace

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")
EDITOR = ".editor-group.focused .monaco-editor"
# Cold basedpyright analyses the workspace before its first answer.
SERVER_TIMEOUT_MS = 60_000

FILES = {
    "geo/__init__.py": "",
    "geo/shapes.py": (
        "def area_of(width: int, height: int) -> int:\n"
        "    return width * height\n"
    ),
    "geo/report.py": (
        "from geo.shapes import area_of\n"
        "\n"
        "\n"
        "def describe(w: int, h: int) -> str:\n"
        '    return f"area {area_of(w, h)} of {w}x{h}"\n'
    ),
    "messy.py": "x=[1,2 ,3]\ndef total( a,b ):\n  return a+b\n",
    "typed.py": (
        "def double(n: int) -> int:\n"
        "    return n * 2\n"
        "\n"
        "\n"
        "label: str = double(21)\n"
    ),
    "config.json": '{\n  "a": 1\n  "b": 2\n}\n',
    "unused.py": "import os\n\n\ndef one() -> int:\n    return 1\n",
    "notes.md": "# Notes\n\n*  a   list\n",
    "tsconfig.json": '{ "compilerOptions": { "strict": true, "noEmit": true } }\n',
    "web/shapes.ts": (
        "export function areaOf(width: number, height: number): number {\n"
        "  return width * height;\n"
        "}\n"
    ),
    "web/summary.ts": (
        'import { areaOf } from "./shapes";\n'
        "\n"
        "export function describe(w: number, h: number): string {\n"
        "  return `area ${areaOf(w, h)}`;\n"
        "}\n"
    ),
}
FORMATTED = "x = [1, 2, 3]\n\n\ndef total(a, b):\n    return a + b\n"


@pytest.fixture
def e2e_workspace(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "geo-project", FILES)


@pytest.fixture
def server(e2e_workspace: Path, tmp_path: Path) -> Iterator[RunningServer]:
    """The server with this venv's tools (basedpyright, ruff) on PATH."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    running = start_server(e2e_workspace, tmp_path / "data", env={"PATH": path})
    yield running
    running.stop()


def shot(ide: IDE, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    ide.page.screenshot(path=str(SHOTS / f"{name}.png"))


def run_command(ide: IDE, title: str) -> None:
    page = ide.page
    page.keyboard.press("Control+Shift+P")
    box = page.get_by_role("combobox", name="Command")
    box.fill(f">{title}")
    palette = page.get_by_role("dialog", name="Command Palette")
    expect(palette.get_by_role("option").first).to_contain_text(title)
    page.keyboard.press("Enter")
    expect(box).to_have_count(0)


def wait_python_servers(ide: IDE) -> None:
    status = ide.page.get_by_test_id("status-lsp")
    expect(status).to_contain_text("basedpyright, ruff", timeout=SERVER_TIMEOUT_MS)
    expect(status).to_have_attribute("data-state", "ready", timeout=SERVER_TIMEOUT_MS)


def word_point(ide: IDE, word: str) -> tuple[float, float]:
    """Where the first occurrence of `word` in the focused editor is drawn (its 2nd character)."""
    point = ide.page.evaluate(
        """([selector, word]) => {
          const editor = document.querySelector(selector);
          for (const line of editor.querySelectorAll('.view-line')) {
            const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              const i = node.textContent.indexOf(word);
              if (i < 0) continue;
              const range = document.createRange();
              range.setStart(node, i + 1);
              range.setEnd(node, i + 2);
              const box = range.getBoundingClientRect();
              return [box.x + box.width / 2, box.y + box.height / 2];
            }
          }
          return null;
        }""",
        [EDITOR, word],
    )
    assert point, f"{word!r} is not shown in the editor"
    return point[0], point[1]


def click_word(ide: IDE, word: str) -> None:
    """Puts the cursor inside the first occurrence of `word` in the focused editor."""
    x, y = word_point(ide, word)
    ide.page.mouse.click(x, y)


def problem_rows(ide: IDE, path: str) -> Locator:
    return ide.page.get_by_role("tabpanel", name="Problems").locator(
        f'[data-path="{path}"] .problem-row'
    )


def test_rename_across_files_through_a_preview(ide: IDE) -> None:
    page = ide.page
    ide.open_file("geo/report.py")
    ide.open_file("geo/shapes.py")
    wait_python_servers(ide)
    shot(ide, "lsp-status-ready")
    # Hover: basedpyright's signature of the function.
    point = word_point(ide, "area_of")
    page.mouse.move(point[0], point[1])
    # Overflow widgets (the hover) are drawn outside the editor's element.
    hover = page.locator(".monaco-hover-content").filter(has_text="def area_of").first
    expect(hover).to_be_visible(timeout=SERVER_TIMEOUT_MS)
    expect(hover).to_contain_text("width: int")
    shot(ide, "lsp-hover")
    page.keyboard.press("Escape")
    click_word(ide, "area_of")
    page.keyboard.press("F2")
    rename_input = page.locator(f"{EDITOR} .rename-box input")
    expect(rename_input).to_be_visible(timeout=SERVER_TIMEOUT_MS)
    expect(rename_input).to_have_value("area_of")
    rename_input.fill("surface")
    page.keyboard.press("Enter")

    preview = page.get_by_test_id("edit-preview")
    expect(preview).to_be_visible(timeout=SERVER_TIMEOUT_MS)
    expect(preview).to_contain_text("Rename 'area_of' to 'surface'")
    expect(preview.locator(".edit-preview-file")).to_have_count(2)
    report = preview.locator('[data-path="geo/report.py"]')
    expect(report.locator(".edit-preview-line")).to_have_count(2)
    expect(report.locator(".after").first).to_have_text("from geo.shapes import surface")
    shot(ide, "lsp-rename-preview")
    # Nothing is written before Apply.
    assert "area_of" in (ide.workspace / "geo" / "report.py").read_text()
    preview.get_by_role("button", name="Apply").click()
    expect(preview).to_have_count(0)

    shapes = ide.workspace / "geo" / "shapes.py"
    report_py = ide.workspace / "geo" / "report.py"
    ide.wait_until(lambda: "surface" in report_py.read_text() and "surface" in shapes.read_text(),
                   "the rename on disk")
    assert shapes.read_text() == (
        "def surface(width: int, height: int) -> int:\n    return width * height\n"
    )
    assert report_py.read_text() == FILES["geo/report.py"].replace("area_of", "surface")
    # The open editors follow the disk and stay clean.
    ide.wait_until(lambda: "def surface(" in ide.editor_text(), "the editor showing the rename")
    expect(ide.tab("geo/shapes.py")).not_to_have_class("dirty")
    ide.tab("geo/report.py").click()
    ide.wait_until(lambda: "import surface" in ide.editor_text(), "the other editor renamed")
    shot(ide, "lsp-rename-applied")


def test_rename_across_typescript_files(ide: IDE) -> None:
    page = ide.page
    ide.open_file("web/summary.ts")
    ide.open_file("web/shapes.ts")
    status = page.get_by_test_id("status-lsp")
    expect(status).to_contain_text("typescript", timeout=SERVER_TIMEOUT_MS)
    expect(status).to_have_attribute("data-state", "ready", timeout=SERVER_TIMEOUT_MS)
    click_word(ide, "areaOf")
    page.keyboard.press("F2")
    rename_input = page.locator(f"{EDITOR} .rename-box input")
    expect(rename_input).to_be_visible(timeout=SERVER_TIMEOUT_MS)
    expect(rename_input).to_have_value("areaOf")
    rename_input.fill("surface")
    page.keyboard.press("Enter")

    preview = page.get_by_test_id("edit-preview")
    expect(preview).to_be_visible(timeout=SERVER_TIMEOUT_MS)
    expect(preview.locator(".edit-preview-file")).to_have_count(2)
    summary = preview.locator('[data-path="web/summary.ts"]')
    expect(summary.locator(".edit-preview-line")).to_have_count(2)
    shot(ide, "lsp-rename-typescript-preview")
    preview.get_by_role("button", name="Apply").click()
    expect(preview).to_have_count(0)

    shapes = ide.workspace / "web" / "shapes.ts"
    summary_ts = ide.workspace / "web" / "summary.ts"
    ide.wait_until(lambda: "surface" in summary_ts.read_text() and
                   "surface" in shapes.read_text(), "the rename on disk")
    assert shapes.read_text() == FILES["web/shapes.ts"].replace("areaOf", "surface")
    assert summary_ts.read_text() == FILES["web/summary.ts"].replace("areaOf", "surface")
    ide.wait_until(lambda: "function surface(" in ide.editor_text(),
                   "the editor showing the rename")
    expect(ide.tab("web/shapes.ts")).not_to_have_class("dirty")


def test_format_document_with_ruff(ide: IDE) -> None:
    page = ide.page
    ide.open_file("messy.py")
    wait_python_servers(ide)
    ide.focus_editor_end()
    page.keyboard.press("Shift+Alt+F")
    ide.wait_until(lambda: "def total(a, b):" in ide.editor_text(), "the formatted text",
                   timeout=30)
    shot(ide, "lsp-formatted")
    page.keyboard.press("Control+s")
    messy = ide.workspace / "messy.py"
    ide.wait_until(lambda: messy.read_text() == FORMATTED, "the formatted file on disk")

    # Markdown has no formatter: the editor says so instead of doing nothing.
    ide.open_file("notes.md")
    ide.focus_editor_end()
    page.keyboard.press("Shift+Alt+F")
    message = page.locator(".monaco-editor-overlaymessage")
    expect(message).to_contain_text("No formatter for markdown")
    shot(ide, "lsp-no-formatter")
    assert (ide.workspace / "notes.md").read_text() == FILES["notes.md"]


def test_problems_lists_type_error_and_json_error(ide: IDE) -> None:
    page = ide.page
    ide.open_file("typed.py")
    wait_python_servers(ide)
    run_command(ide, "View: Show Problems")
    row = problem_rows(ide, "typed.py").filter(has_text="not assignable")
    expect(row).to_be_visible(timeout=SERVER_TIMEOUT_MS)
    expect(row).to_have_attribute("data-owner", "lsp:basedpyright")
    expect(row).to_contain_text("[Ln 5, Col 14]")
    expect(page.locator(f"{EDITOR} .squiggly-error").first).to_be_attached()

    # Monaco's own JSON validation is listed too.
    ide.open_file("config.json")
    json_row = problem_rows(ide, "config.json").first
    expect(json_row).to_be_visible()
    expect(json_row).to_have_attribute("data-owner", "json")
    shot(ide, "lsp-problems")

    # A click goes back to the Python file, at the error.
    row.click()
    ide.wait_editor("typed.py")
    expect(page.get_by_test_id("status-position")).to_have_text("Ln 5, Col 14")

    # Fixing the error in the editor (unsaved) clears it: the server sees the buffer's text.
    click_word(ide, "label")
    page.keyboard.press("Home")
    page.keyboard.press("Shift+End")
    page.keyboard.insert_text("label: str = str(double(21))")
    expect(row).to_have_count(0, timeout=SERVER_TIMEOUT_MS)
    assert ide.workspace.joinpath("typed.py").read_text() == FILES["typed.py"]


def test_quick_fix_removes_an_unused_import(ide: IDE) -> None:
    page = ide.page
    ide.open_file("unused.py")
    wait_python_servers(ide)
    # ruff's F401 arrives as a diagnostic (and a squiggle) first.
    run_command(ide, "View: Show Problems")
    expect(problem_rows(ide, "unused.py").filter(has_text="F401")).to_be_visible(
        timeout=SERVER_TIMEOUT_MS)
    click_word(ide, "os")
    # As a user pauses on the squiggle: the lightbulb's request runs, Ctrl+. reuses it.
    expect(page.locator(f"{EDITOR} .lightBulbWidget")).to_be_visible(timeout=SERVER_TIMEOUT_MS)
    page.keyboard.press("Control+.")
    # The preferred fix comes first, selected: Enter applies it.
    selected = page.locator(".action-widget .monaco-list-row.focused")
    expect(selected).to_contain_text("Remove unused import", timeout=SERVER_TIMEOUT_MS)
    shot(ide, "lsp-quick-fix")
    page.keyboard.press("Enter")
    unused = ide.workspace / "unused.py"
    ide.wait_until(lambda: "import os" not in unused.read_text(), "the fix on disk")
    ide.wait_until(lambda: "import os" not in ide.editor_text(), "the editor showing the fix")
    expect(problem_rows(ide, "unused.py").filter(has_text="F401")).to_have_count(
        0, timeout=SERVER_TIMEOUT_MS)
