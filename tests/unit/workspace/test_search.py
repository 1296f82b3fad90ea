"""Pure parts of search: glob splitting, rg JSON parsing, fuzzy ranking, watcher filter."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from watchfiles import Change

from pairpad.workspace.finder import FileIndex
from pairpad.workspace.rg_json import _parse_match
from pairpad.workspace.search import split_globs
from pairpad.workspace.watcher import Watcher


@pytest.mark.parametrize(
    ("raw", "globs"),
    [
        (None, ()),
        ("", ()),
        ("*.py", ("*.py",)),
        ("*.py, *.ts ,", ("*.py", "*.ts")),
        ("*.{py,ts},!tests/**", ("*.{py,ts}", "!tests/**")),
    ],
)
def test_split_globs(raw: str | None, globs: tuple[str, ...]) -> None:
    assert split_globs(raw) == globs


def _line(data: dict[str, object]) -> bytes:
    return json.dumps({"type": "match", "data": data}).encode()


def test_parse_match_converts_byte_offsets_to_character_columns() -> None:
    text = "é😀 x = needle\n"
    start = len("é😀 x = ".encode())
    match = _parse_match(
        _line(
            {
                "path": {"text": "./a.py"},
                "lines": {"text": text},
                "line_number": 7,
                "submatches": [{"match": {"text": "needle"}, "start": start, "end": start + 6}],
            }
        )
    )
    assert match is not None
    assert (match.path, match.line, match.column, match.text) == ("a.py", 7, 8, text.rstrip())
    assert match.ranges == [(8, 14)]


def test_parse_match_handles_lines_that_are_not_utf8() -> None:
    raw = b"caf\xe9 needle\n"
    match = _parse_match(
        _line(
            {
                "path": {"text": "latin.txt"},
                "lines": {"bytes": base64.b64encode(raw).decode()},
                "line_number": 1,
                "submatches": [{"match": {"text": "needle"}, "start": 5, "end": 11}],
            }
        )
    )
    assert match is not None and match.column == 6 and "needle" in match.text


def test_parse_match_skips_other_messages_and_non_utf8_paths() -> None:
    assert _parse_match(b'{"type":"begin","data":{}}') is None
    assert _parse_match(b"not json") is None
    bad_path = {"bytes": base64.b64encode(b"\xff.txt").decode()}
    assert _parse_match(_line({"path": bad_path, "lines": {"text": "x"}, "line_number": 1})) is None


def test_rank_prefers_names_then_shorter_paths() -> None:
    index = FileIndex.build(
        ["src/conference/talks/index.md", "src/config.py", "tests/test_config.py", "CONFIG"]
    )
    ranked = [match.path for match in index.rank("config", 10)]
    assert ranked[0] == "CONFIG"
    assert ranked.index("src/config.py") < ranked.index("tests/test_config.py")
    assert "src/conference/talks/index.md" not in ranked[:3]
    assert len(index.rank("config", 2)) == 2


def test_watcher_filter(tmp_path: Path) -> None:
    watcher = Watcher(tmp_path, debounce_ms=50)
    relevant = watcher.relevant
    assert relevant(Change.modified, str(tmp_path / "src" / "a.py"))
    assert relevant(Change.added, str(tmp_path / "node_modules"))  # the folder itself
    assert not relevant(Change.added, str(tmp_path / "node_modules" / "x" / "index.js"))
    assert not relevant(Change.modified, str(tmp_path / ".git" / "index"))
    assert not relevant(Change.added, str(tmp_path / ".git"))
    assert not relevant(Change.added, str(tmp_path / "src" / ".pairpad-tmp-0123"))
    assert not relevant(Change.modified, str(tmp_path))
    assert relevant(Change.added, str(tmp_path / "..notes"))  # a name, not a parent
    assert not relevant(Change.added, str(tmp_path.parent / "sibling.txt"))


def test_watcher_collapses_changes_of_one_path_in_a_batch(tmp_path: Path) -> None:
    (tmp_path / "replaced.txt").write_text("x")
    (tmp_path / "created.txt").write_text("x")
    watcher = Watcher(tmp_path, debounce_ms=50)
    batch = {
        (Change.deleted, str(tmp_path / "replaced.txt")),
        (Change.added, str(tmp_path / "replaced.txt")),
        (Change.added, str(tmp_path / "created.txt")),
        (Change.modified, str(tmp_path / "created.txt")),
        (Change.added, str(tmp_path / "gone.txt")),
        (Change.deleted, str(tmp_path / "gone.txt")),
        (Change.modified, str(tmp_path / "sub" / "a.py")),
    }
    assert [(c.type, c.path) for c in watcher._to_changes(batch)] == [
        ("added", "created.txt"),
        ("deleted", "gone.txt"),
        ("modified", "replaced.txt"),
        ("modified", "sub/a.py"),
    ]


def test_rank_needs_each_word_as_a_subsequence_in_any_order() -> None:
    index = FileIndex.build(["src/stream/mod07.py", "src/mod07/other.py", "lib/render_view.ts"])
    assert [m.path for m in index.rank("stream mod07", 10)] == ["src/stream/mod07.py"]
    assert [m.path for m in index.rank("mod07 stream", 10)] == ["src/stream/mod07.py"]
    assert [m.path for m in index.rank("rndr", 10)] == ["lib/render_view.ts"]  # subsequence
    assert [m.path for m in index.rank("rendxr", 10)] == ["lib/render_view.ts"]  # one typo
    assert index.rank("qqqq", 10) == []


def test_rank_puts_an_exact_file_name_first() -> None:
    paths = ["apps/x.py", "myapp.py", "web/mapp.py", "apps/app_py.txt", "lib/deep/app.py",
             "src/apply.py", "tests/test_app.py", "App.tsx", "app.tsx"]
    index = FileIndex.build(paths)
    ranked = [m.path for m in index.rank("app.py", 10)]
    assert ranked[0] == "lib/deep/app.py"
    assert ranked.index("myapp.py") > 0 and ranked.index("apps/x.py") > 0
    # The name without its extension beats a name that merely starts with the query.
    ranked = [m.path for m in index.rank("app", 10)]
    assert ranked.index("lib/deep/app.py") < ranked.index("src/apply.py")
    # A trailing path names that file; the exact case wins a case-insensitive tie.
    assert index.rank("deep/app.py", 1)[0].path == "lib/deep/app.py"
    assert [m.path for m in index.rank("App.tsx", 2)] == ["App.tsx", "app.tsx"]
    assert [m.path for m in index.rank("app.tsx", 2)] == ["app.tsx", "App.tsx"]
