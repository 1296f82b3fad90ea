"""The edit engine on real diffs: two small PyPI release pairs (bench/edit_corpus, cached in
bench/.cache/edit-corpus/), every changed file as search/replace blocks and as a unified diff.

Clean edits must all apply to exactly the next release, nothing may be reported applied with
a result that differs from it (a SEARCH with a misremembered identifier included: the fuzzy
rung must land it exactly or refuse it), and every negative (a block from another file, a
SEARCH that occurs twice) must be refused. bench/edits.py runs the full corpus.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from bench.edit_corpus import (
    QUICK_PAIRS,
    Case,
    DownloadError,
    build_corpus,
    changed_files,
    fetch_pair,
)

from pairpad.edits import EditParseError, parse_edits, plan_edits


@pytest.fixture(scope="module")
def corpus() -> list[Case]:
    files = []
    try:
        for pair in QUICK_PAIRS:
            old, new = fetch_pair(pair)
            label = f"{pair.name} {pair.old}->{pair.new}"
            files += [(label, *changed) for changed in changed_files(old, new)]
    except DownloadError as error:
        reason = f"the real-diff corpus could not be downloaded from PyPI: {error}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason + " (CI=true: the corpus must be reachable)")
        pytest.skip(reason)
    cases, _skipped = build_corpus(files)
    return cases


def _engine(case: Case) -> tuple[bool, dict[str, str | None], str]:
    """(reported applied, result files, errors) from parse_edits + plan_edits."""
    try:
        parsed = parse_edits(case.edit_text, case.format)
    except EditParseError as error:
        return False, {}, f"parse error: {error}"
    plan = plan_edits(parsed, case.original_files.get)
    files = {f.path: f.after for f in plan.files}
    errors = "; ".join(f"{f.path}: {f.error}" for f in plan.files if f.error)
    return plan.status in ("ok", "already_applied"), files, errors


def test_the_corpus_is_real_and_complete(corpus: list[Case], tmp_path: Path) -> None:
    # Its own check: each clean diff, through `git apply`, gives exactly the next release.
    clean = [c for c in corpus if c.noise == "clean"]
    assert {c.format for c in clean} == {"search_replace", "udiff"}
    assert len(clean) >= 10
    assert {c.noise for c in corpus} >= {"foreign", "typo", "ambiguous", "stale_numbers"}
    for case in (c for c in clean if c.format == "udiff"):
        for path, text in case.original_files.items():
            (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / path).write_text(text)
        (tmp_path / "case.diff").write_text(case.edit_text)
        done = subprocess.run(
            ["git", "apply", "case.diff"], cwd=tmp_path, capture_output=True, text=True
        )
        assert done.returncode == 0, f"{case.name}: {done.stderr}"
        assert case.expected_files is not None
        for path, want in case.expected_files.items():
            assert (tmp_path / path).read_text() == want, case.name


def test_clean_edits_apply_exactly(corpus: list[Case]) -> None:
    failed = []
    for case in (c for c in corpus if c.noise == "clean"):
        applied, files, errors = _engine(case)
        if not applied or files != case.expected_files:
            failed.append(f"{case.name}: applied={applied} {errors}")
    assert not failed, "\n".join(failed)


# A unified diff whose blank CONTEXT lines were dropped no longer says on which side of the
# file's blank lines a pure insertion goes; the engine must place it by the hunk's own line order
# or refuse it, never guess. Asserted apart, since it is the hardest noise for the merge.
BLANKLESS_DIFFS = ("udiff/blank_dropped", "udiff/combined")


def _false_applies(corpus: list[Case], *, blankless: bool) -> list[str]:
    found = []
    for case in (c for c in corpus if c.kind == "positive"):
        if case.name.endswith(BLANKLESS_DIFFS) != blankless:
            continue
        applied, files, _errors = _engine(case)
        expected = case.expected_files or {}
        if applied and any(files.get(path) != text for path, text in expected.items()):
            found.append(case.name)
    return found


def test_nothing_is_reported_applied_wrongly(corpus: list[Case]) -> None:
    false_applies = _false_applies(corpus, blankless=False)
    assert not false_applies, "applied, but not the release:\n" + "\n".join(false_applies)


def test_diffs_missing_blank_context_are_never_applied_wrongly(corpus: list[Case]) -> None:
    assert any(c.name.endswith(BLANKLESS_DIFFS) for c in corpus)
    false_applies = _false_applies(corpus, blankless=True)
    assert not false_applies, "applied, but not the release:\n" + "\n".join(false_applies)


def test_negatives_are_refused(corpus: list[Case]) -> None:
    negatives = [c for c in corpus if c.kind == "negative"]
    assert {c.noise for c in negatives} == {"foreign", "ambiguous"}
    applied = [c.name for c in negatives if _engine(c)[0]]
    assert not applied, "negatives applied:\n" + "\n".join(applied)
