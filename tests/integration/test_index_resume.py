"""A build killed with SIGKILL mid-way resumes: it completes and parses only what is missing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from pairpad.codebase.index_settings import IndexSettings
from pairpad.codebase.indexer import Indexer
from pairpad.codebase.store import index_path

FILES = 2500
BUILD = """
import sys
from pathlib import Path
from pairpad.codebase.indexer import Indexer
from pairpad.codebase.index_settings import IndexSettings
Indexer(Path(sys.argv[1]), Path(sys.argv[2]), IndexSettings(batch_size=16)).build()
"""


def _generate(root: Path) -> None:
    for index in range(FILES):
        folder = root / f"pkg{index % 25:02}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"mod{index:04}.py").write_text(
            f'"""Module {index}."""\n\n\nclass Widget{index}:\n'
            f"    def render_{index}(self, size: int) -> str:\n"
            f"        return helper_{index % 7}(size) * {index}\n\n\n"
            f"def helper_{index}(value: int) -> int:\n    return value + {index}\n")


def _indexed(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM files WHERE status='indexed'").fetchone()[0])
    except sqlite3.OperationalError:  # schema not created yet
        return 0
    finally:
        conn.close()


def test_kill_9_mid_build_then_resume(tmp_path: Path) -> None:
    root, data = tmp_path / "tree", tmp_path / "data"
    _generate(root)
    db = index_path(data, root.resolve())
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    log = tmp_path / "build.log"
    with log.open("wb") as sink:
        child = subprocess.Popen([sys.executable, "-c", BUILD, str(root.resolve()), str(data)],
                                 env=env, stdout=sink, stderr=sink)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        if db.exists() and _indexed(db) >= 100:
            break
        time.sleep(0.01)
    assert child.poll() is None, "the build ended before it was killed: " + log.read_text()
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL

    before = _indexed(db)
    assert 100 <= before < FILES
    indexer = Indexer(root.resolve(), data, IndexSettings())
    indexer.build()
    try:
        assert indexer.status.state == "ready"
        assert indexer.status.parsed == FILES - before  # nothing parsed twice
        assert _indexed(db) == FILES
        rows = indexer.store.read("SELECT COUNT(*) AS n FROM tags WHERE name = 'Widget7'")
        assert rows[0]["n"] == 1  # no duplicates from the interrupted batch
        assert indexer.store.read("PRAGMA integrity_check")[0][0] == "ok"
        found = indexer.store.read("SELECT COUNT(*) AS n FROM chunks_fts WHERE chunks_fts MATCH"
                                   " 'render_2499'")
        assert found[0]["n"] == 1
    finally:
        indexer.store.close()
