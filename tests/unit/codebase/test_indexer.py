"""Incremental indexing: unchanged files are never re-parsed; edits, renames, deletes and a
branch switch are reflected; the store lives under the data dir, not in the repository."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from pairpad.codebase.indexer import Indexer
from pairpad.codebase.repomap import RepoMap
from pairpad.codebase.retrieval import Retriever
from pairpad.codebase.symbols import definitions


def _defs(indexer: Indexer, name: str) -> list[str]:
    return [loc.path for loc in definitions(indexer.store, name)]


def _bump(path: Path) -> None:
    stat = path.stat()  # the same second is possible on coarse clocks: move mtime explicitly
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_build_then_rebuild_parses_nothing(indexer: Indexer, repo: Path, tmp_path: Path) -> None:
    indexer.build()
    assert indexer.status.state == "ready"
    first = indexer.status.parsed
    assert first == indexer.status.total == 15
    assert indexer.db_path.is_relative_to(tmp_path / "data" / "index")
    assert not any(p.suffix == ".sqlite3" for p in repo.rglob("*"))
    indexer.build()
    assert indexer.status.parsed == first
    _bump(repo / "kvstore" / "codec.py")  # new mtime, same bytes: hashed, not parsed
    indexer.build()
    assert indexer.status.parsed == first


def test_edit_rename_delete_and_new_file(indexer: Indexer, repo: Path) -> None:
    indexer.build()
    parsed = indexer.status.parsed
    codec = repo / "kvstore" / "codec.py"
    codec.write_text(codec.read_text() + "\n\ndef compress_snapshot(data):\n    return data\n")
    _bump(codec)
    indexer.update(["kvstore/codec.py"])
    assert indexer.status.parsed == parsed + 1
    assert _defs(indexer, "compress_snapshot") == ["kvstore/codec.py"]

    (repo / "kvstore" / "codec.py").rename(repo / "kvstore" / "encoding.py")
    indexer.update(["kvstore/codec.py", "kvstore/encoding.py"])
    assert _defs(indexer, "compress_snapshot") == ["kvstore/encoding.py"]

    (repo / "kvstore" / "encoding.py").unlink()
    indexer.update(["kvstore/encoding.py"])
    assert _defs(indexer, "compress_snapshot") == []
    assert "kvstore/encoding.py" not in indexer.store.file_states()

    (repo / "build").mkdir()  # ignored by .gitignore: never indexed
    (repo / "build" / "gen.py").write_text("def generated_thing():\n    pass\n")
    indexer.update(["build/gen.py"])
    assert _defs(indexer, "generated_thing") == []


def test_folder_moves_and_ignore_rule_changes(indexer: Indexer, repo: Path) -> None:
    indexer.build()
    (repo / "native").rename(repo / "lowlevel")
    indexer.update(["native", "lowlevel"])
    assert _defs(indexer, "Fnv1a") == ["lowlevel/hash.go"]
    (repo / ".pairpadignore").write_text("secrets/\nlowlevel/\n")
    indexer.update([".pairpadignore"])
    assert _defs(indexer, "Fnv1a") == []


def test_search_sees_changes(indexer: Indexer, repo: Path) -> None:
    indexer.build()
    retriever = Retriever(indexer.store, RepoMap(indexer.store))
    assert not any(s.path == "kvstore/server.py" for s in retriever.search("quokka", 5))
    server = repo / "kvstore" / "server.py"
    server.write_text(server.read_text() + "\n# quokka handler for marsupial requests\n")
    _bump(server)
    indexer.update(["kvstore/server.py"])
    assert retriever.search("quokka", 5)[0].path == "kvstore/server.py"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid", *args],
                   cwd=repo, check=True, capture_output=True)


def test_branch_switch(indexer: Indexer, repo: Path) -> None:
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    _git(repo, "checkout", "-qb", "feature")
    (repo / "kvstore" / "replication.py").write_text("def replicate_to_followers():\n    pass\n")
    (repo / "native" / "lru.rs").unlink()
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "feature")
    indexer.build()
    assert _defs(indexer, "replicate_to_followers") == ["kvstore/replication.py"]
    assert _defs(indexer, "LruCache") == []
    parsed = indexer.status.parsed

    time.sleep(0.01)
    _git(repo, "checkout", "-q", "main")
    indexer.update(["kvstore/replication.py", "native/lru.rs"])
    assert _defs(indexer, "replicate_to_followers") == []
    assert _defs(indexer, "LruCache") == ["native/lru.rs"]
    assert indexer.status.parsed == parsed + 1  # only the file that came back
    assert ".git/HEAD" not in indexer.store.file_states()


def test_status_lists_skipped_files(indexer: Indexer, repo: Path) -> None:
    (repo / "blob.bin").write_bytes(bytes(range(256)) * 10)
    indexer.build()
    assert ("blob.bin", "binary") in indexer.store.problems("skipped")
    (repo / "blob.bin").unlink()
    indexer.build()
    assert indexer.store.problems("skipped") == []
