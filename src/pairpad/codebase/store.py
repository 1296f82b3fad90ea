"""The index cache: one SQLite file per workspace under the data dir (never in the user's repo).

Writes come from the indexer thread through `writer`; queries use a separate reader connection,
so WAL lets searches run while a batch is being written. Every batch is one transaction: a
kill -9 loses at most the batch in flight, and the next build resumes from the rest."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pairpad.codebase.analyze import FileRecord, expand_identifiers, split_identifier

SCHEMA_VERSION = "3"  # 3: chunks.hash and the embeddings table
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files(
  id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, hash TEXT, mtime REAL, size INTEGER,
  language TEXT, status TEXT NOT NULL, reason TEXT);
CREATE TABLE IF NOT EXISTS tags(
  file_id INTEGER NOT NULL, name TEXT NOT NULL COLLATE NOCASE, kind TEXT NOT NULL,
  symbol_kind TEXT, line INTEGER, col INTEGER, end_col INTEGER, start_line INTEGER,
  end_line INTEGER, signature TEXT);
CREATE INDEX IF NOT EXISTS tags_name ON tags(name);
CREATE INDEX IF NOT EXISTS tags_file ON tags(file_id);
CREATE TABLE IF NOT EXISTS chunks(
  id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL, start_line INTEGER, end_line INTEGER,
  path TEXT, symbols TEXT, body TEXT NOT NULL, extra TEXT, hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_file ON chunks(file_id);
CREATE INDEX IF NOT EXISTS chunks_hash ON chunks(hash);
-- Vectors of the `embed` role's model, keyed by the chunk text's hash: an edit re-embeds only
-- the chunks whose text changed, and a move or an identical chunk elsewhere costs nothing.
CREATE TABLE IF NOT EXISTS embeddings(
  model TEXT NOT NULL, hash TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY(model, hash));
-- External content: the text is stored once, in chunks; FTS keeps only its inverted index.
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
  path, symbols, body, extra, content='chunks', content_rowid='id');
"""


def chunk_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def index_path(data_dir: Path, workspace: Path) -> Path:
    digest = hashlib.sha256(str(workspace).encode()).hexdigest()[:16]
    return data_dir / "index" / f"{digest}.sqlite3"


@dataclass(frozen=True)
class FileState:
    hash: str | None
    mtime: float
    size: int
    status: str


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


class IndexStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._write_lock = threading.Lock()
        self._read_lock = threading.Lock()
        self._writer = _connect(path)
        if self._meta_version() != SCHEMA_VERSION:
            self._reset()
        self._reader = _connect(path)
        self.generation = int(self.get_meta("generation") or 0)
        self._data_version = self._reader_data_version()

    def _meta_version(self) -> str | None:
        try:
            row = self._writer.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        except sqlite3.OperationalError:
            return None
        return None if row is None else str(row[0])

    def _reset(self) -> None:
        # One transaction, the version checked again inside it: another instance sharing the
        # data dir (team mode) may be creating or filling the same file right now.
        conn = self._writer
        conn.execute("BEGIN IMMEDIATE")
        try:
            if self._meta_version() != SCHEMA_VERSION:
                for table in ("meta", "files", "tags", "chunks", "chunks_fts", "embeddings"):
                    conn.execute(f"DROP TABLE IF EXISTS {table}")
                for statement in SCHEMA.split(";\n"):  # executescript would commit first
                    if statement.strip():
                        conn.execute(statement)
                conn.execute("INSERT INTO meta VALUES('schema', ?)", (SCHEMA_VERSION,))
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _reader_data_version(self) -> int:
        with self._read_lock:
            return int(self._reader.execute("PRAGMA data_version").fetchone()[0])

    def refresh(self) -> bool:
        """For a reader of an index another process writes (team mode, not the lease
        holder): True when someone committed since the last call; then `generation` (the
        repo map's cache key) is read again."""
        now = self._reader_data_version()
        if now == self._data_version:
            return False
        self._data_version = now
        row = self.read("SELECT value FROM meta WHERE key='generation'")
        self.generation = int(row[0][0]) if row else 0
        return True

    def close(self) -> None:
        with self._write_lock, self._read_lock:
            self._writer.close()
            self._reader.close()

    @contextmanager
    def _transaction(self, bump: bool = True) -> Iterator[sqlite3.Connection]:
        """`bump`: the files, tags or chunks change (the repo map's cache key); vectors don't."""
        with self._write_lock:
            conn = self._writer
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            if bump:
                self.generation += 1
                conn.execute("INSERT OR REPLACE INTO meta VALUES('generation', ?)",
                             (str(self.generation),))
            conn.execute("COMMIT")

    @contextmanager
    def vector_transaction(self) -> Iterator[sqlite3.Connection]:
        """A write of the embeddings table only (see `embeddings.VectorStore`)."""
        with self._transaction(bump=False) as conn:
            yield conn

    def read(self, sql: str, params: Iterable[object] = ()) -> list[sqlite3.Row]:
        with self._read_lock:
            return self._reader.execute(sql, tuple(params)).fetchall()

    def get_meta(self, key: str) -> str | None:
        row = self._writer.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, values: dict[str, str]) -> None:
        with self._transaction() as conn:
            conn.executemany("INSERT OR REPLACE INTO meta VALUES(?, ?)", values.items())

    def file_states(self) -> dict[str, FileState]:
        rows = self.read("SELECT path, hash, mtime, size, status FROM files")
        return {r["path"]: FileState(r["hash"], r["mtime"], r["size"], r["status"]) for r in rows}

    def write(self, records: Iterable[FileRecord] = (), deleted: Iterable[str] = (),
              touched: Iterable[tuple[str, float]] = ()) -> None:
        """One batch in one transaction: replace records, drop deleted paths, refresh mtimes."""
        with self._transaction() as conn:
            for path in deleted:
                self._drop(conn, path)
            conn.executemany("UPDATE files SET mtime=? WHERE path=?",
                             [(mtime, path) for path, mtime in touched])
            for record in records:
                self._drop(conn, record.path)
                self._insert(conn, record)

    def _drop(self, conn: sqlite3.Connection, path: str) -> None:
        row = conn.execute("SELECT id FROM files WHERE path=?", (path,)).fetchone()
        if row is None:
            return
        file_id = row[0]
        conn.execute("INSERT INTO chunks_fts(chunks_fts, rowid, path, symbols, body, extra)"
                     " SELECT 'delete', id, path, symbols, body, extra FROM chunks"
                     " WHERE file_id=?", (file_id,))
        conn.execute("DELETE FROM chunks WHERE file_id=?", (file_id,))
        conn.execute("DELETE FROM tags WHERE file_id=?", (file_id,))
        conn.execute("DELETE FROM files WHERE id=?", (file_id,))

    def _insert(self, conn: sqlite3.Connection, r: FileRecord) -> None:
        cursor = conn.execute(
            "INSERT INTO files(path, hash, mtime, size, language, status, reason)"
            " VALUES(?,?,?,?,?,?,?)",
            (r.path, r.hash, r.mtime, r.size, r.language, r.status, r.reason))
        file_id = cursor.lastrowid
        conn.executemany(
            "INSERT INTO tags VALUES(?,?,?,?,?,?,?,?,?,?)",
            [(file_id, t.name, t.kind, t.symbol_kind, t.line, t.column, t.end_column,
              t.start_line, t.end_line, t.signature) for t in r.tags])
        defs = [t for t in r.tags if t.kind == "def"]
        path_words = " ".join(split_identifier(r.path.replace("/", "_").replace(".", "_")))
        for chunk in r.chunks:
            names = [t.name for t in defs if chunk.start_line <= t.line <= chunk.end_line]
            symbols = " ".join(names + [w for n in names for w in split_identifier(n)])
            row = (path_words, symbols, chunk.text, expand_identifiers(chunk.text))
            chunk_id = conn.execute(
                "INSERT INTO chunks(file_id, start_line, end_line, path, symbols, body, extra,"
                " hash) VALUES(?,?,?,?,?,?,?,?)",
                (file_id, chunk.start_line, chunk.end_line, *row, chunk_hash(chunk.text))
            ).lastrowid
            conn.execute("INSERT INTO chunks_fts(rowid, path, symbols, body, extra)"
                         " VALUES(?,?,?,?,?)", (chunk_id, *row))

    def counts(self) -> dict[str, int]:
        rows = self.read("SELECT status, COUNT(*) AS n FROM files GROUP BY status")
        return {r["status"]: r["n"] for r in rows}

    def problems(self, status: str, limit: int = 500) -> list[tuple[str, str]]:
        rows = self.read("SELECT path, reason FROM files WHERE status=? ORDER BY path LIMIT ?",
                         (status, limit))
        return [(r["path"], r["reason"] or "") for r in rows]
