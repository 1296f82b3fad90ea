"""Outline nesting and symbol lookups over the index."""

from __future__ import annotations

from pairpad.codebase.indexer import Indexer
from pairpad.codebase.symbols import definitions, outline, references, workspace_symbols


def test_outline_nests_methods_in_classes() -> None:
    source = (b"class A:\n    def one(self):\n        def inner():\n            pass\n\n"
              b"    def two(self):\n        pass\n\ndef top():\n    pass\n")
    items = outline("m.py", source)
    assert [(i.name, i.kind) for i in items] == [("A", "class"), ("top", "function")]
    assert [(c.name, c.kind) for c in items[0].children] == [("one", "method"),
                                                               ("two", "method")]
    assert [c.name for c in items[0].children[0].children] == ["inner"]


def test_outline_of_unknown_language_is_empty() -> None:
    assert outline("notes.txt", b"hello") == []


def test_workspace_symbols_rank_exact_then_prefix(indexer: Indexer) -> None:
    indexer.build()
    names = [loc.name for loc in workspace_symbols(indexer.store, "KeyValue")]
    assert names[0] == "KeyValueStore"
    found = workspace_symbols(indexer.store, "crc")
    assert {loc.name for loc in found} >= {"crc32_update", "crc32_block", "CRC32_POLY"}
    assert workspace_symbols(indexer.store, "%") == []  # LIKE wildcards are literal


def test_definition_prefers_the_same_file_then_neighbours(indexer: Indexer) -> None:
    indexer.build()
    gets = definitions(indexer.store, "get", "kvstore/server.py")
    assert gets[0].path == "kvstore/store.py"
    assert {loc.path for loc in gets} == {"kvstore/store.py", "native/lru.rs",
                                          "web/src/client.ts"}
    assert definitions(indexer.store, "nothing_like_this") == []


def test_references_across_files(indexer: Indexer) -> None:
    indexer.build()
    refs = references(indexer.store, "KeyValueStore")
    assert {r.path for r in refs} >= {"kvstore/__init__.py", "kvstore/server.py",
                                      "kvstore/expiry.py"}
    server = next(r for r in refs if r.path == "kvstore/server.py" and r.kind == "call")
    assert (server.line, server.column) == (10, 8)
