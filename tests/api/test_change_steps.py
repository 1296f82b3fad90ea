"""An agent run's steps over HTTP: one change set, a checkpoint per step in
GET /api/checkpoints, and restoring a step's checkpoint undoes only the later steps."""

from __future__ import annotations

from pathlib import Path

import httpx

from pairpad.app import PairpadApp
from pairpad.changes.steps import StepWrite


async def test_step_checkpoints_are_listed_and_restorable(
        app: PairpadApp, client: httpx.AsyncClient, workspace: Path) -> None:
    (workspace / "a.txt").write_text("one\ntwo\nthree\n")
    changes = app.services.changes
    first = await changes.apply_step(
        [StepWrite("a.txt", "one\ntwo\nthree\n", "ONE\ntwo\nthree\n")], change_set_id=None,
        title="Fix it", step_title="edit_file a.txt", actor="agent:r1")
    second = await changes.apply_step(
        [StepWrite("a.txt", "ONE\ntwo\nthree\n", "ONE\ntwo\nTHREE\n")],
        change_set_id=first.change_set_id, title="Fix it", step_title="edit_file a.txt (2)",
        actor="agent:r1")

    listed = (await client.get("/api/checkpoints")).json()["checkpoints"]
    assert [(c["id"], c["title"], c["source"], c["change_set_id"], c["files"])
            for c in listed] == [
        (second.checkpoint_id, "edit_file a.txt (2)", "agent", first.change_set_id, ["a.txt"]),
        (first.checkpoint_id, "edit_file a.txt", "agent", first.change_set_id, ["a.txt"])]
    sets = (await client.get("/api/changesets")).json()
    assert [(s["id"], s["title"], s["source"]) for s in sets["change_sets"]] == [
        (first.change_set_id, "Fix it", "agent")]
    assert sets["pending_hunks"] == 2

    restored = await client.post(f"/api/checkpoints/{second.checkpoint_id}/restore")
    assert restored.status_code == 200, restored.text
    assert (workspace / "a.txt").read_text() == "ONE\ntwo\nthree\n"
    assert (await client.get("/api/changesets")).json()["pending_hunks"] == 1
