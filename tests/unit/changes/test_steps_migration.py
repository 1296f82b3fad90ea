"""Revision 0007_change_set_steps: a change set stored before it keeps its data and reads as
one step, the set's own checkpoint."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from pairpad.changes.store import ChangeSetStore
from pairpad.storage.db import Database, alembic_config
from pairpad.storage.owner import Owner


def _upgrade_sync(path: Path, revision: str) -> None:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


async def test_a_0006_change_set_reads_as_one_step(tmp_path: Path) -> None:
    path = tmp_path / "pairpad.sqlite3"
    owner = Owner.local(tmp_path / "ws")
    _upgrade_sync(path, "0006_change_sets")
    with sqlite3.connect(path) as raw:
        raw.execute(
            "INSERT INTO change_sets (owner_id, workspace_id, id, seq, created_at, source, "
            "title, status, checkpoint_id, checkpoint_commit, files) VALUES "
            "(?, ?, 'set1', 1, '2026-01-02 03:04:05', 'chat', 'Chat: a.txt', 'pending', "
            "'cpold', 'c0ffee', ?)",
            (owner.owner_id, owner.workspace_id,
             '[{"path": "a.txt", "status": "modified", "encoding": "utf-8", '
             '"before": "b1", "after": "b2", "states": ["pending"]}]'))
    raw.close()

    database = Database.for_sqlite_file(path)
    try:
        await database.migrate()
        store = ChangeSetStore(database, owner)
        record = await store.by_checkpoint("cpold")
        assert record is not None and record.id == "set1"
        [step] = record.steps
        assert (step.checkpoint_id, step.commit, step.title, step.files, step.befores) == (
            "cpold", "c0ffee", "Chat: a.txt", ["a.txt"], {"a.txt": "b1"})
        assert step.created_at.isoformat() == "2026-01-02T03:04:05+00:00"
    finally:
        await database.dispose()
