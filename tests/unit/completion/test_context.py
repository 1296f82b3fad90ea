"""Context beyond the file: names near the cursor, and snippets gathered from a real small
workspace indexed by the real ContextService."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pairpad.ai.completion.context import gather_snippets, identifiers_near_cursor
from pairpad.ai.completion.prompt import Snippet
from pairpad.codebase.index_settings import IndexSettings
from pairpad.codebase.service import ContextService

FIXTURE_REPO = Path(__file__).parents[2] / "fixtures" / "context_repo"
EXPIRY_SIGNATURE = "def evict_expired(store: KeyValueStore, queue: ExpiryQueue) -> int:"
# A new file being written, which calls a function defined in kvstore/expiry.py.
EDITED = "kvstore/maintenance.py"
PREFIX = ("from kvstore.expiry import evict_expired\n\n\n"
          "def sweep(store, queue):\n"
          "    removed = evict_expired(store, queue)\n"
          "    ")
SUFFIX = "\n    return removed\n"


@dataclass(frozen=True)
class Edit:
    path: str
    start_line: int
    text: str


@pytest.fixture
async def context(tmp_path: Path) -> AsyncIterator[ContextService]:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE_REPO, repo)
    (repo / ".env").write_text("API_KEY=sk_live_secret\n")
    service = ContextService(repo, tmp_path / "data", IndexSettings())
    service.indexer.build()
    try:
        yield service
    finally:
        await service.stop()


def test_identifiers_nearest_first_without_keywords_and_own_definitions() -> None:
    prefix = ("def helper():\n    pass\n\n"
              "def run(config):\n    client = connect(config.url)\n    result = client.")
    suffix = "\n    helper()\n    return result\n"
    names = identifiers_near_cursor(prefix, suffix)
    assert names[:5] == ["client", "result", "url", "config", "connect"]
    assert "def" not in names and "return" not in names  # keywords
    assert "helper" not in names and "run" not in names  # defined in this file
    assert all(len(name) >= 3 for name in names)


def test_identifiers_only_around_the_cursor() -> None:
    far = "far_away_name = 1\n" + "x = 1\n" * 30
    names = identifiers_near_cursor(far + "value = compute(", ")\n" + "y = 2\n" * 30 + "tail_name")
    assert "compute" in names and "value" in names
    assert "far_away_name" not in names and "tail_name" not in names


async def test_a_function_from_another_file_shows_as_a_signature(
        context: ContextService) -> None:
    snippets = await gather_snippets(context, EDITED, PREFIX, SUFFIX, [], budget_tokens=500,
                                     is_secret=context.policy.is_secret_target)
    assert Snippet("signature", "kvstore/expiry.py", EXPIRY_SIGNATURE) in snippets
    assert all(s.kind == "signature" and s.path != EDITED for s in snippets)


async def test_recent_edits_of_other_files_not_secret(context: ContextService) -> None:
    edits = [
        Edit("kvstore/server.py", 12, "def handle(request):\n    return store.get(key)\n"),
        Edit(EDITED, 1, "this file's own edit"),
        Edit(".env", 1, "API_KEY=sk_live_secret"),
        Edit("kvstore/codec.py", 3, "   \n"),
    ]
    snippets = await gather_snippets(context, EDITED, PREFIX, SUFFIX, edits, budget_tokens=500,
                                     is_secret=context.policy.is_secret_target)
    edited = [s for s in snippets if s.kind == "recent_edit"]
    assert edited == [Snippet("recent_edit", "kvstore/server.py",
                              "def handle(request):\n    return store.get(key)")]
    # Signatures come before edits.
    assert [s.kind for s in snippets] == sorted((s.kind for s in snippets),
                                                key=lambda kind: kind != "signature")


async def test_a_secret_path_gives_no_signature(context: ContextService) -> None:
    snippets = await gather_snippets(context, EDITED, PREFIX, SUFFIX, [], budget_tokens=500,
                                     is_secret=lambda path: path == "kvstore/expiry.py")
    assert all(s.path != "kvstore/expiry.py" for s in snippets)


async def test_budget_limits_the_snippets(context: ContextService) -> None:
    edits = [Edit("kvstore/server.py", 1, "x = 1\n" * 15)]
    snippets = await gather_snippets(context, EDITED, PREFIX, SUFFIX, edits, budget_tokens=30,
                                     is_secret=context.policy.is_secret_target)
    assert snippets == [Snippet("signature", "kvstore/expiry.py", EXPIRY_SIGNATURE)]
    assert await gather_snippets(context, EDITED, PREFIX, SUFFIX, edits, budget_tokens=5,
                                 is_secret=context.policy.is_secret_target) == []


async def test_a_disabled_index_still_gives_recent_edits(tmp_path: Path) -> None:
    service = ContextService(tmp_path, tmp_path / "data", IndexSettings(enabled=False))
    edits = [Edit("other.py", 1, "def other(): ...")]
    snippets = await gather_snippets(service, EDITED, PREFIX, SUFFIX, edits, budget_tokens=500,
                                     is_secret=service.policy.is_secret_target)
    assert snippets == [Snippet("recent_edit", "other.py", "def other(): ...")]
