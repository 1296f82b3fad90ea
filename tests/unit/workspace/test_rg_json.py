"""rg --json → SearchMatch: one-pass columns, long lines windowed, oversized messages streamed.

The input is real `rg --json` output, so a change in rg's format fails here first.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pairpad.workspace.models import SearchMatch
from pairpad.workspace.rg_json import (
    CUT,
    MAX_RANGES,
    PREVIEW_BEFORE,
    PREVIEW_CHARS,
    MatchParser,
    _parse_match,
)
from pairpad.workspace.ripgrep import COMMON_ARGS, find_rg

CHUNK = 1 << 16


def rg_json(root: Path, pattern: str, *extra: str) -> bytes:
    argv = [find_rg(), *COMMON_ARGS, "--json", *extra, "--regexp", pattern]
    return subprocess.run(argv, cwd=root, capture_output=True, check=False).stdout


def parse(
    output: bytes, *, chunk: int = CHUNK, message_cap: int | None = None
) -> list[SearchMatch]:
    parser = MatchParser() if message_cap is None else MatchParser(message_cap=message_cap)
    matches: list[SearchMatch] = []
    for start in range(0, len(output), chunk):
        matches += parser.feed(output[start : start + chunk])
    return matches + parser.close()


def test_finding_1_long_line_is_cut_to_a_window_that_keeps_the_match(tmp_path: Path) -> None:
    (tmp_path / "min.js").write_text("b" * 150_000 + "needle" + "c" * 50_000 + "\n")
    (match,) = parse(rg_json(tmp_path, "needle"))
    assert match.column == 150_001 and match.ranges == [(150_001, 150_007)]
    assert match.text.startswith(CUT) and match.text.endswith(CUT)
    assert len(match.text) == PREVIEW_CHARS + 2
    assert match.text_start == match.column - PREVIEW_BEFORE
    # `text_start` maps line columns into the preview (after the leading marker).
    at = 1 + match.column - match.text_start
    assert match.text[at : at + 6] == "needle"


def test_finding_1_a_line_matching_everywhere_is_parsed_with_bounded_memory(
    tmp_path: Path,
) -> None:
    (tmp_path / "long.txt").write_text("b" * 50 + "a" * 200_000 + "\n")
    output = rg_json(tmp_path, "a")
    assert len(output) > 5_000_000  # one submatch object per character
    parser = MatchParser()
    matches: list[SearchMatch] = []
    most = 0
    for start in range(0, len(output), CHUNK):
        matches += parser.feed(output[start : start + CHUNK])
        most = max(most, parser.buffered)
    matches += parser.close()
    (match,) = matches
    # The line text (200 KB) and a chunk are held, never the 10 MB of submatches.
    assert most < 200_050 + 2 * CHUNK
    assert len(match.ranges) == MAX_RANGES
    assert match.ranges[:2] == [(51, 52), (52, 53)] and match.ranges[-1] == (150, 151)
    assert (match.line, match.column, match.text_start) == (1, 51, 1)
    assert match.text == "b" * 50 + "a" * (PREVIEW_CHARS - 50) + CUT


@pytest.mark.parametrize("chunk", [1, 7, 4096, CHUNK])
def test_finding_1_streamed_messages_parse_as_whole_ones_do(tmp_path: Path, chunk: int) -> None:
    """The scanner for oversized messages agrees with json on every kind of line."""
    lines = [
        "é😀 x = needle and needle again",
        'quotes " and \\ backslashes \\" needle "},"line_number":9,',  # markers in the text
        "tab\there needle\r",
        "x" * 3000 + "needle" + "ü" * 3000,
        "needle " * 150,  # more than MAX_RANGES matches
    ]
    (tmp_path / "a.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9 needle \xff needle\n")
    (tmp_path / "sub dir").mkdir()
    (tmp_path / "sub dir" / 'we"ird name.txt').write_text("line one\nsay needle\n")
    output = rg_json(tmp_path, "needle", "--sort=path")
    whole = parse(output)
    assert len(whole) == len(lines) + 2
    streamed = parse(output, chunk=chunk, message_cap=16)  # every message is "oversized"
    assert streamed == whole


def test_columns_of_many_matches_between_multibyte_characters() -> None:
    text = "é a 😀 a ü a"
    raw = text.encode()
    starts = [i for i, byte in enumerate(raw) if byte == ord("a")]
    submatches = ",".join(f'{{"match":{{"text":"a"}},"start":{s},"end":{s + 1}}}' for s in starts)
    line = (
        '{"type":"match","data":{"path":{"text":"./m.txt"},"lines":{"text":"'
        + text
        + '"},"line_number":3,"absolute_offset":0,"submatches":['
        + submatches
        + "]}}"
    ).encode()
    match = _parse_match(line)
    assert match is not None
    assert match.ranges == [(3, 4), (7, 8), (11, 12)]
    assert [text[start - 1] for start, _ in match.ranges] == ["a", "a", "a"]
    assert streamed_equal(line, match)


def streamed_equal(line: bytes, match: SearchMatch) -> bool:
    return parse(line + b"\n", chunk=5, message_cap=8) == [match]


def test_oversized_messages_that_are_not_matches_are_skipped() -> None:
    summary = b'{"type":"summary","data":{"elapsed_total":{"human":"' + b"x" * 1000 + b'"}}}\n'
    assert parse(summary, message_cap=64) == []
    bad_path = b'{"type":"match","data":{"path":{"bytes":"/w=="},"lines":{"text":"' + b"y" * 500
    assert parse(bad_path + b'"},"line_number":1,"absolute_offset":0,"submatches":[]}}\n',
                 message_cap=64) == []  # fmt: skip
