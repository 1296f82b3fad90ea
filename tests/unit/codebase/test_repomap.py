"""Repo map: PageRank over the def/ref graph, personalised, within a budget, cached."""

from __future__ import annotations

from pathlib import Path

from pairpad.codebase.indexer import Indexer
from pairpad.codebase.repomap import RENDER_CACHE_SIZE, RepoMap, estimate_tokens


def test_map_ranks_what_the_focus_file_uses(indexer: Indexer) -> None:
    indexer.build()
    repomap = RepoMap(indexer.store)
    ranked = [d.path for _, d in repomap.ranked_definitions(files=["kvstore/server.py"])]
    assert ranked[0] == "kvstore/store.py"  # server.py uses KeyValueStore and KeyNotFound
    text = repomap.render(files=["kvstore/server.py"], max_tokens=120)
    assert "kvstore/store.py:" in text and "│class KeyValueStore:" in text
    assert "kvstore/server.py:" not in text  # the focus file itself is in the chat already
    assert estimate_tokens(text) <= 120


def test_mentioned_symbols_pull_their_files_up(indexer: Indexer) -> None:
    indexer.build()
    repomap = RepoMap(indexer.store)
    ranked = [d.path for _, d in repomap.ranked_definitions(idents=["formatBytes"])]
    assert ranked[0] == "web/src/format.ts"


def test_budget_bounds_the_map(indexer: Indexer) -> None:
    indexer.build()
    repomap = RepoMap(indexer.store)
    small, large = repomap.render(max_tokens=64), repomap.render(max_tokens=4000)
    assert 0 < estimate_tokens(small) <= 64 < estimate_tokens(large)
    assert large.count("│") > small.count("│")


def test_cache_is_invalidated_by_changes(indexer: Indexer, repo: Path) -> None:
    indexer.build()
    repomap = RepoMap(indexer.store)
    graph = repomap.graph()
    assert repomap.graph() is graph
    before = repomap.render(max_tokens=4000)
    (repo / "kvstore" / "metrics.py").write_text(
        "from kvstore.store import KeyValueStore\n\n"
        "def count_keys_in_store(store: KeyValueStore) -> int:\n    return len(store._data)\n")
    indexer.update(["kvstore/metrics.py"])
    assert repomap.graph() is not graph
    assert ("kvstore/metrics.py", "count_keys_in_store") in repomap.graph().definitions
    after = repomap.render(max_tokens=4000)
    assert "count_keys_in_store" not in before and "count_keys_in_store" in after


def test_render_cache_is_a_bounded_lru(indexer: Indexer) -> None:
    indexer.build()
    repomap = RepoMap(indexer.store)
    hot = repomap.render(files=["kvstore/server.py"], max_tokens=120)
    for i in range(RENDER_CACHE_SIZE * 4):  # client-chosen keys: arbitrary "files"
        repomap.render(files=[f"no/such/file_{i}.py"], max_tokens=120)
        assert repomap.render(files=["kvstore/server.py"], max_tokens=120) == hot  # kept warm
        assert len(repomap._rendered) <= RENDER_CACHE_SIZE
    keys = list(repomap._rendered)
    assert keys[-1][1] == frozenset({"kvstore/server.py"})  # most recently used last
    assert not any(frozenset({"no/such/file_0.py"}) == k[1] for k in keys)  # evicted
