"""LSP TextEdits applied through the real FileService: UTF-16 positions, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pairpad.errors import Conflict, Unprocessable
from pairpad.workspace.files import FileService
from pairpad.workspace.models import FileContent, SaveRequest
from pairpad.workspace.text_edits import apply_text_edits, apply_workspace_edit


def edit(line: int, start: int, end: int, text: str, end_line: int | None = None) -> Any:
    return {"range": {"start": {"line": line, "character": start},
                      "end": {"line": line if end_line is None else end_line,
                              "character": end}}, "newText": text}


def test_positions_count_utf16_code_units() -> None:
    # "😀" is two UTF-16 units: the name after it starts at character 8, not 7.
    text = 'x = "😀"; name = 1\n'
    assert apply_text_edits(text, [edit(0, 10, 14, "renamed")]) == 'x = "😀"; renamed = 1\n'


def test_edits_apply_against_the_original_text_and_clamp_past_line_ends() -> None:
    text = "a = 1\r\nb = 2\n"
    out = apply_text_edits(text, [edit(1, 0, 1, "bee"), edit(0, 0, 1, "ay"),
                                  edit(0, 99, 99, "  # end")])
    assert out == "ay = 1  # end\r\nbee = 2\n"
    assert apply_text_edits("x\n", [edit(7, 0, 0, "tail")]) == "x\ntail"


def test_overlapping_edits_are_refused() -> None:
    with pytest.raises(Unprocessable, match="overlap"):
        apply_text_edits("abcdef", [edit(0, 0, 3, "x"), edit(0, 2, 4, "y")])


async def test_a_failed_write_puts_back_the_files_already_written(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("one\n")
    (tmp_path / "b.py").write_text("two\n")

    class FailsOnB(FileService):
        async def write(self, raw: str, request: SaveRequest,
                        actor: str = "user") -> tuple[FileContent, bool]:
            if raw == "b.py" and request.content != "two\n":
                raise Conflict("b.py changed on disk since it was read")
            return await super().write(raw, request, actor)

    files = FailsOnB(tmp_path, max_file_size=1 << 20)
    with pytest.raises(Conflict):
        await apply_workspace_edit(files, {"a.py": [edit(0, 0, 3, "ONE")],
                                           "b.py": [edit(0, 0, 3, "TWO")]})
    assert (tmp_path / "a.py").read_text() == "one\n"
    assert (tmp_path / "b.py").read_text() == "two\n"

    saved = await apply_workspace_edit(FileService(tmp_path, max_file_size=1 << 20),
                                       {"a.py": [edit(0, 0, 3, "ONE")],
                                        "b.py": [edit(0, 0, 3, "TWO")]})
    assert [file.path for file in saved] == ["a.py", "b.py"]
    assert (tmp_path / "a.py").read_text() + (tmp_path / "b.py").read_text() == "ONE\nTWO\n"
