"""Hybrid retrieval on the fixture repository: the right file for a question, with its why."""

from __future__ import annotations

import pytest

from pairpad.codebase.indexer import Indexer
from pairpad.codebase.repomap import RepoMap
from pairpad.codebase.retrieval import Retriever, query_terms


@pytest.fixture
def retriever(indexer: Indexer) -> Retriever:
    indexer.build()
    return Retriever(indexer.store, RepoMap(indexer.store))


@pytest.mark.parametrize(("query", "expected"), [
    ("remove keys whose time to live expired", "kvstore/expiry.py"),
    ("write the snapshot atomically with fsync and rename", "kvstore/store.py"),
    ("human readable byte sizes", "web/src/format.ts"),
    ("adler32 checksum of a snapshot", "native/Checksum.java"),
    ("which shard does a key go to", "native/hash.go"),
    ("least recently used cache eviction", "native/lru.rs"),
    ("base64 encode values for JSON", "kvstore/codec.py"),
    ("HTTP handler for PUT with a TTL header", "kvstore/server.py"),
])
def test_question_finds_the_file(retriever: Retriever, query: str, expected: str) -> None:
    paths = [s.path for s in retriever.search(query, 5)]
    assert expected in paths[:3], paths


def test_symbol_name_is_a_signal(retriever: Retriever) -> None:
    top = retriever.search("where is evict_expired", 5)[0]
    assert top.path == "kvstore/expiry.py"
    assert {s.name for s in top.signals} >= {"symbol", "bm25"}
    assert any("evict_expired" in s.detail for s in top.signals if s.name == "symbol")
    assert top.start_line <= 38 <= top.end_line


def test_words_joined_match_identifiers(retriever: Retriever) -> None:
    top = retriever.search("crc32 update", 3)[0]
    assert top.path == "native/crc32.c"
    assert any(s.name == "symbol" for s in top.signals)


def test_snippets_carry_text_lines_and_tokens(retriever: Retriever) -> None:
    results = retriever.search("KvClient put", 10)
    assert results and results[0].path == "web/src/client.ts"
    first = results[0]
    assert "class KvClient" in first.text
    assert first.tokens == (len(first.text) + 3) // 4
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    assert max(sum(1 for r in results if r.path == p) for p in {r.path for r in results}) <= 2


def test_signals_can_be_switched_off(retriever: Retriever) -> None:
    bm25_only = retriever.search("evict_expired", 5, signals=("bm25",))
    assert all({s.name for s in r.signals} == {"bm25"} for r in bm25_only)


def test_nothing_to_search_for(retriever: Retriever) -> None:
    assert retriever.search("the of and", 5) == []
    hostile = retriever.search('"); DROP TABLE files; -- NEAR( * ^', 5)
    assert all(s.path for s in hostile)  # FTS syntax is quoted away: no error, no damage
    assert retriever.search("KeyValueStore", 1)[0].path == "kvstore/store.py"


def test_query_terms() -> None:
    terms = query_terms("Where is parseHttpResponse in the HTTP layer?")
    assert {"parsehttpresponse", "parse", "http", "response", "layer"} <= set(terms.words)
    assert "where" not in terms.words and "the" not in terms.words
    assert terms.names == ["parseHttpResponse", "HTTP"]
    assert "http_layer" in terms.joined and "httplayer" in terms.joined
