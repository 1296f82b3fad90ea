"""The edit engine over HTTP on the real app: preview writes nothing, apply writes all or
nothing behind the preview's etags, every applied change is a change set to review hunk by
hunk (a rejected hunk goes back on disk exactly), and checkpoints in the shadow git
repository restore the AI's changes without losing the user's."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from pairpad.app import PairpadApp
from pairpad.events.models import FsChanged, ReviewChanged

ORIGINAL = "".join(f"line {n}\n" for n in range(1, 21))


def block(path: str, search: str, replace: str) -> str:
    return f"{path}\n<<<<<<< SEARCH\n{search}=======\n{replace}>>>>>>> REPLACE\n"


TWO_HUNKS = (block("a.txt", "line 2\nline 3\n", "line 2\nTWO-THREE\n")
             + block("a.txt", "line 17\nline 18\n", "line 17\nSEVENTEEN-EIGHTEEN\nextra\n"))


@pytest.fixture
def events(app: PairpadApp) -> list[Any]:
    seen: list[Any] = []

    async def record(event: Any) -> None:
        seen.append(event)

    app.services.events.subscribe(record, ReviewChanged)  # type: ignore[arg-type]
    app.services.events.subscribe(record, FsChanged)  # type: ignore[arg-type]
    return seen


async def preview(client: httpx.AsyncClient, text: str, **extra: Any) -> dict[str, Any]:
    response = await client.post("/api/edits/preview", json={"text": text, **extra})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def apply(client: httpx.AsyncClient, text: str, **extra: Any) -> httpx.Response:
    seen = await preview(client, text, **{k: v for k, v in extra.items() if k == "path"})
    etags = {f["path"]: f["etag"] for f in seen["files"]}
    return await client.post("/api/edits/apply", json={"text": text, "etags": etags, **extra})


async def applied(client: httpx.AsyncClient, text: str, **extra: Any) -> dict[str, Any]:
    response = await apply(client, text, **extra)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def change_set(client: httpx.AsyncClient, change_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/changesets/{change_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def save_as_user(client: httpx.AsyncClient, path: str, edit: Any) -> None:
    current = (await client.get("/api/files/content", params={"path": path})).json()
    response = await client.put("/api/files/content", params={"path": path},
                                json={"content": edit(current["content"]),
                                      "etag": current["etag"]})
    assert response.status_code == 200, response.text


# ---- preview ----------------------------------------------------------------------------


async def test_preview_shows_the_change_and_writes_nothing(
        client: httpx.AsyncClient, workspace: Path) -> None:
    (workspace / "a.txt").write_text(ORIGINAL)
    body = await preview(client, TWO_HUNKS)
    assert body["status"] == "ok"
    assert body["format"] == "search_replace"
    [file] = body["files"]
    assert file["status"] == "modified"
    assert file["content"] == ORIGINAL.replace("line 3\n", "TWO-THREE\n").replace(
        "line 18\n", "SEVENTEEN-EIGHTEEN\nextra\n")
    assert "-line 3\n+TWO-THREE\n" in file["diff"]
    assert file["diff"].startswith("--- a/a.txt\n+++ b/a.txt\n")
    assert file["etag"] and file["rungs"] == ["exact", "exact"]
    assert (workspace / "a.txt").read_text() == ORIGINAL


async def test_preview_of_a_block_that_matches_nothing_names_the_closest_region(
        client: httpx.AsyncClient, workspace: Path) -> None:
    (workspace / "a.txt").write_text(ORIGINAL)
    body = await preview(client, block("a.txt", "line 5\nline 6 changed\nline 7\n", "x\n"))
    assert body["status"] == "failed"
    [file] = body["files"]
    assert file["status"] == "failed" and file["content"] is None
    assert "matches nothing" in file["error"]["message"]
    assert file["error"]["closest"]["start_line"] == 5
    assert "line 6" in file["error"]["closest"]["text"]


async def test_preview_of_text_that_is_no_edit_is_a_400_with_the_engines_message(
        client: httpx.AsyncClient) -> None:
    response = await client.post("/api/edits/preview",
                                 json={"text": "a.txt\n<<<<<<< SEARCH\nx\n"})
    assert response.status_code == 400
    assert "=======" in response.json()["detail"]


async def test_a_block_naming_no_file_goes_to_the_given_path(
        client: httpx.AsyncClient, workspace: Path) -> None:
    (workspace / "src").mkdir()
    (workspace / "src" / "m.py").write_text("def f():\n    return 1\n")
    text = "```python\n<<<<<<< SEARCH\n    return 1\n=======\n    return 2\n>>>>>>> REPLACE\n```\n"
    body = await preview(client, text, path="src/m.py")
    assert body["files"][0]["path"] == "src/m.py"
    assert body["files"][0]["content"] == "def f():\n    return 2\n"


# ---- apply ------------------------------------------------------------------------------


async def test_apply_writes_the_change_as_a_change_set_with_a_checkpoint(
        client: httpx.AsyncClient, workspace: Path, events: list[Any]) -> None:
    (workspace / "a.txt").write_text(ORIGINAL)
    body = await applied(client, TWO_HUNKS, title="Chat: a.txt")
    assert body["status"] == "ok" and body["change_set_id"] and body["checkpoint_id"]
    assert (workspace / "a.txt").read_text() == body["files"][0]["content"]
    listed = (await client.get("/api/changesets")).json()
    assert listed["pending_files"] == 1 and listed["pending_hunks"] == 2
    assert [s["id"] for s in listed["change_sets"]] == [body["change_set_id"]]
    assert listed["change_sets"][0]["title"] == "Chat: a.txt"
    review = [e for e in events if isinstance(e, ReviewChanged)]
    assert review[-1].pending_hunks == 2 and review[-1].change_set_id == body["change_set_id"]
    writes = [c for e in events if isinstance(e, FsChanged) for c in e.changes
              if c.actor != "external"]  # the watcher may report the test's own write
    assert [(c.path, c.actor) for c in writes] == [("a.txt", f"ai:{body['change_set_id']}")]


async def test_a_file_changed_after_the_preview_is_a_409_and_nothing_is_written(
        client: httpx.AsyncClient, workspace: Path) -> None:
    (workspace / "a.txt").write_text(ORIGINAL)
    (workspace / "b.txt").write_text("one\ntwo\n")
    text = TWO_HUNKS + block("b.txt", "two\n", "2\n")
    seen = await preview(client, text)
    (workspace / "b.txt").write_text("one\ntwo\nthree\n")  # another program, after the preview
    response = await client.post("/api/edits/apply", json={
        "text": text, "etags": {f["path"]: f["etag"] for f in seen["files"]}})
    assert response.status_code == 409
    assert "b.txt changed since the preview" in response.json()["detail"]
    assert (workspace / "a.txt").read_text() == ORIGINAL
    assert (await client.get("/api/changesets")).json()["change_sets"] == []


async def test_apply_without_the_previews_etags_is_refused(
        client: httpx.AsyncClient, workspace: Path) -> None:
    (workspace / "a.txt").write_text(ORIGINAL)
    response = await client.post("/api/edits/apply", json={"text": TWO_HUNKS})
    assert response.status_code == 400
    assert "missing: a.txt" in response.json()["detail"]
    assert (workspace / "a.txt").read_text() == ORIGINAL


async def test_one_failing_file_writes_no_file(
        client: httpx.AsyncClient, workspace: Path) -> None:
    (workspace / "a.txt").write_text(ORIGINAL)
    (workspace / "b.txt").write_text("one\ntwo\n")
    text = TWO_HUNKS + block("b.txt", "seven\n", "7\n")
    response = await apply(client, text)
    assert response.status_code == 422
    body = response.json()
    assert "b.txt" in body["detail"] and "matches nothing" in body["detail"]
    assert [f["status"] for f in body["files"]] == ["modified", "failed"]
    assert (workspace / "a.txt").read_text() == ORIGINAL
    assert (workspace / "b.txt").read_text() == "one\ntwo\n"


async def test_a_retried_edit_is_already_applied_and_changes_nothing(
        client: httpx.AsyncClient, workspace: Path) -> None:
    (workspace / "a.txt").write_text(ORIGINAL)
    first = await applied(client, TWO_HUNKS)
    after = (workspace / "a.txt").read_text()
    again = await applied(client, TWO_HUNKS)
    assert again == {"status": "already_applied", "change_set_id": None,
                     "checkpoint_id": None, "files": again["files"]}
    assert again["files"][0]["status"] == "already_applied"
    assert (workspace / "a.txt").read_text() == after
    listed = (await client.get("/api/changesets")).json()
    assert [s["id"] for s in listed["change_sets"]] == [first["change_set_id"]]


async def test_new_files_in_new_folders_and_deleted_files(
        client: httpx.AsyncClient, workspace: Path) -> None:
    (workspace / "old.txt").write_text("bye\n")
    text = ("--- /dev/null\n+++ b/pkg/sub/new.py\n@@ -0,0 +1,2 @@\n+x = 1\n+y = 2\n"
            "--- a/old.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n")
    body = await applied(client, text)
    assert [f["status"] for f in body["files"]] == ["created", "deleted"]
    assert (workspace / "pkg" / "sub" / "new.py").read_text() == "x = 1\ny = 2\n"
    assert not (workspace / "old.txt").exists()
    full = await change_set(client, body["change_set_id"])
    assert [(f["path"], f["status"], f["before"], f["after"]) for f in full["files"]] == [
        ("pkg/sub/new.py", "created", None, "x = 1\ny = 2\n"),
        ("old.txt", "deleted", "bye\n", None)]


@pytest.mark.parametrize("path", [".vscode/settings.json", "AGENTS.md",
                                  ".github/workflows/ci.yml", "sub/.PairPad/config.toml"])
async def test_control_files_need_the_users_explicit_consent(
        client: httpx.AsyncClient, workspace: Path, path: str) -> None:
    text = f"{path}\n<<<<<<< SEARCH\n=======\nrun: evil\n>>>>>>> REPLACE\n"
    seen = await preview(client, text)
    assert seen["files"][0]["control"] is True
    refused = await apply(client, text)
    assert refused.status_code == 403
    assert "control files" in refused.json()["detail"]
    assert not (workspace / path).exists()
    allowed = await apply(client, text, allow_control=True)
    assert allowed.status_code == 200, allowed.text
    assert (workspace / path).read_text() == "run: evil\n"


async def test_paths_inside_git_or_outside_the_workspace_are_refused(
        client: httpx.AsyncClient, workspace: Path, tmp_path: Path) -> None:
    (workspace / ".git").mkdir()
    (workspace / ".git" / "config").write_text("[core]\n")
    inside_git = block(".git/config", "[core]\n", "[core]\nhooksPath = x\n")
    response = await apply(client, inside_git, allow_control=True)
    assert response.status_code == 403
    assert (workspace / ".git" / "config").read_text() == "[core]\n"
    outside = await preview(client, "../x.txt\n<<<<<<< SEARCH\n=======\nx\n>>>>>>> REPLACE\n")
    assert outside["status"] == "failed"
    assert "'..'" in outside["files"][0]["error"]["message"]
    (tmp_path / "elsewhere").mkdir()
    (workspace / "link").symlink_to(tmp_path / "elsewhere")
    escaped = await client.post("/api/edits/preview", json={
        "text": "link/x.txt\n<<<<<<< SEARCH\n=======\nx\n>>>>>>> REPLACE\n"})
    assert escaped.status_code == 403
    assert not (tmp_path / "elsewhere" / "x.txt").exists()


# ---- review -----------------------------------------------------------------------------


async def test_accept_one_hunk_reject_the_other_lands_exactly_so_on_disk(
        client: httpx.AsyncClient, workspace: Path, events: list[Any]) -> None:
    (workspace / "a.txt").write_text(ORIGINAL)
    change_id = (await applied(client, TWO_HUNKS))["change_set_id"]
    full = await change_set(client, change_id)
    [file] = full["files"]
    assert [(h["old_start"], h["old_lines"], h["new_start"], h["new_lines"])
            for h in file["hunks"]] == [(3, 1, 3, 1), (18, 1, 18, 2)]
    accepted = await client.post(f"/api/changesets/{change_id}/accept",
                                 json={"path": "a.txt", "hunk": 0})
    assert accepted.json()["files"][0]["hunks"][0]["state"] == "accepted"
    rejected = await client.post(f"/api/changesets/{change_id}/reject",
                                 json={"path": "a.txt", "hunk": 1})
    assert rejected.status_code == 200, rejected.text
    assert (workspace / "a.txt").read_text() == ORIGINAL.replace("line 3\n", "TWO-THREE\n")
    body = rejected.json()
    assert body["status"] == "reviewed" and body["files"][0]["review"] == "partial"
    assert body["files"][0]["after"] == (workspace / "a.txt").read_text()
    assert body["files"][0]["hunks"][1]["new_lines"] == 1  # the old line is back
    assert (await client.get("/api/changesets")).json()["pending_hunks"] == 0
    assert [e for e in events if isinstance(e, ReviewChanged)][-1].pending_hunks == 0


async def test_rejecting_a_hunk_keeps_what_the_user_wrote_elsewhere(
        client: httpx.AsyncClient, workspace: Path) -> None:
    (workspace / "a.txt").write_text(ORIGINAL)
    change_id = (await applied(client, TWO_HUNKS))["change_set_id"]
    await save_as_user(client, "a.txt", lambda text: text.replace("line 10\n", "user ten\n"))
    response = await client.post(f"/api/changesets/{change_id}/reject",
                                 json={"path": "a.txt", "hunk": 0})
    assert response.status_code == 200, response.text
    assert (workspace / "a.txt").read_text() == ORIGINAL.replace(
        "line 10\n", "user ten\n").replace("line 18\n", "SEVENTEEN-EIGHTEEN\nextra\n")


async def test_rejecting_a_hunk_whose_lines_the_user_changed_is_a_409_and_changes_nothing(
        client: httpx.AsyncClient, workspace: Path) -> None:
    (workspace / "a.txt").write_text(ORIGINAL)
    change_id = (await applied(client, TWO_HUNKS))["change_set_id"]
    await save_as_user(client, "a.txt", lambda text: text.replace("TWO-THREE\n", "mine\n"))
    before = (workspace / "a.txt").read_text()
    response = await client.post(f"/api/changesets/{change_id}/reject",
                                 json={"path": "a.txt", "hunk": 0})
    assert response.status_code == 409
    assert "You changed the lines of a.txt" in response.json()["detail"]
    assert (workspace / "a.txt").read_text() == before
    assert (await change_set(client, change_id))["files"][0]["hunks"][0]["state"] == "pending"


async def test_rejecting_a_created_file_deletes_it_and_a_deleted_one_comes_back(
        client: httpx.AsyncClient, workspace: Path) -> None:
    (workspace / "old.txt").write_text("bye\n")
    text = ("--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+hi\n"
            "--- a/old.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n")
    change_id = (await applied(client, text))["change_set_id"]
    response = await client.post(f"/api/changesets/{change_id}/reject", json={})
    assert response.status_code == 200, response.text
    assert not (workspace / "new.txt").exists()
    assert (workspace / "old.txt").read_text() == "bye\n"
    assert [f["review"] for f in response.json()["files"]] == ["rejected", "rejected"]


async def test_review_errors(client: httpx.AsyncClient, workspace: Path) -> None:
    (workspace / "a.txt").write_text(ORIGINAL)
    change_id = (await applied(client, TWO_HUNKS))["change_set_id"]
    assert (await client.get("/api/changesets/nope")).status_code == 404
    no_file = await client.post(f"/api/changesets/{change_id}/reject", json={"path": "b.txt"})
    assert no_file.status_code == 404
    no_hunk = await client.post(f"/api/changesets/{change_id}/reject",
                                json={"path": "a.txt", "hunk": 7})
    assert no_hunk.status_code == 404
    hunk_alone = await client.post(f"/api/changesets/{change_id}/reject", json={"hunk": 0})
    assert hunk_alone.status_code == 400
    assert (workspace / "a.txt").read_text() != ORIGINAL  # none of that reverted anything


# ---- checkpoints ------------------------------------------------------------------------


async def test_restoring_a_checkpoint_keeps_the_users_later_edit_and_can_be_undone(
        client: httpx.AsyncClient, workspace: Path) -> None:
    (workspace / "a.txt").write_text(ORIGINAL)
    first = await applied(client, TWO_HUNKS)
    second = await applied(client, block("a.txt", "line 9\nline 10\n", "line 9\nAI TEN\n"))
    await save_as_user(client, "a.txt", lambda text: text.replace("line 14\n", "user 14\n"))
    listed = (await client.get("/api/checkpoints")).json()["checkpoints"]
    assert [c["id"] for c in listed] == [second["checkpoint_id"], first["checkpoint_id"]]
    assert listed[0]["files"] == ["a.txt"] and listed[0]["source"] == "chat"

    restored = await client.post(f"/api/checkpoints/{first['checkpoint_id']}/restore")
    assert restored.status_code == 200, restored.text
    assert (workspace / "a.txt").read_text() == ORIGINAL.replace("line 14\n", "user 14\n")
    undo = restored.json()
    assert undo["files"] == [{"path": "a.txt", "status": "modified"}]
    sets = (await client.get("/api/changesets", params={"status": "all"})).json()
    assert [s["status"] for s in sets["change_sets"]] == ["reviewed", "reverted", "reverted"]
    assert sets["pending_hunks"] == 0

    again = await client.post(f"/api/checkpoints/{undo['checkpoint_id']}/restore")
    assert again.status_code == 200, again.text
    assert (workspace / "a.txt").read_text() == ORIGINAL.replace(
        "line 3\n", "TWO-THREE\n").replace("line 18\n", "SEVENTEEN-EIGHTEEN\nextra\n").replace(
        "line 10\n", "AI TEN\n").replace("line 14\n", "user 14\n")


async def test_a_restore_that_would_overwrite_the_users_edit_is_refused_whole(
        client: httpx.AsyncClient, workspace: Path) -> None:
    (workspace / "a.txt").write_text(ORIGINAL)
    (workspace / "b.txt").write_text("one\ntwo\n")
    body = await applied(client, TWO_HUNKS + block("b.txt", "two\n", "2\n"))
    await save_as_user(client, "a.txt", lambda text: text.replace("TWO-THREE\n", "mine\n"))
    before = {p: (workspace / p).read_text() for p in ("a.txt", "b.txt")}
    response = await client.post(f"/api/checkpoints/{body['checkpoint_id']}/restore")
    assert response.status_code == 409
    assert response.json()["conflicts"] == [
        {"path": "a.txt", "message": "your edits overlap lines the AI changed"}]
    assert {p: (workspace / p).read_text() for p in ("a.txt", "b.txt")} == before
    assert (await client.post("/api/checkpoints/cpnope/restore")).status_code == 404


async def test_checkpoints_live_in_a_shadow_git_repository_outside_the_workspace(
        client: httpx.AsyncClient, workspace: Path, data_dir: Path) -> None:
    (workspace / "a.txt").write_text(ORIGINAL)
    body = await applied(client, TWO_HUNKS + block("n.txt", "", "n\n"))
    [repo] = (data_dir / "checkpoints").glob("*.git")
    assert not (workspace / ".git").exists()

    def git(*args: str) -> str:
        return subprocess.run(["git", f"--git-dir={repo}", *args], capture_output=True,
                              text=True, check=True).stdout

    ref = f"refs/pairpad/cp/{body['checkpoint_id']}"
    assert git("show", f"{ref}:a.txt") == ORIGINAL  # the file as it was before the change
    assert git("ls-tree", "--name-only", ref) == "a.txt\n"  # n.txt did not exist
    assert "Did not exist: n.txt" in git("log", "-1", "--format=%B", ref)


async def test_change_sets_survive_a_restart(
        client: httpx.AsyncClient, workspace: Path, settings: Any) -> None:
    (workspace / "a.txt").write_text(ORIGINAL)
    change_id = (await applied(client, TWO_HUNKS))["change_set_id"]
    from pairpad.app import create_app

    second = create_app(settings)
    async with second.fastapi.router.lifespan_context(second.fastapi), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=second), base_url=str(client.base_url),
            headers=dict(client.headers)) as other:
        listed = (await other.get("/api/changesets")).json()
        assert [s["id"] for s in listed["change_sets"]] == [change_id]
        assert (await change_set(other, change_id))["files"][0]["before"] == ORIGINAL


async def test_a_reject_all_refused_on_one_file_keeps_the_record_true_for_the_others(
        client: httpx.AsyncClient, workspace: Path) -> None:
    (workspace / "a.txt").write_text(ORIGINAL)
    (workspace / "b.txt").write_text("one\ntwo\n")
    change_id = (await applied(client, block("a.txt", "line 2\nline 3\n", "line 2\nTHREE\n")
                               + block("b.txt", "two\n", "2\n")))["change_set_id"]
    await save_as_user(client, "b.txt", lambda text: text.replace("2\n", "mine\n"))
    response = await client.post(f"/api/changesets/{change_id}/reject", json={})
    assert response.status_code == 409
    assert (workspace / "a.txt").read_text() == ORIGINAL  # reverted before b.txt was refused
    files = (await change_set(client, change_id))["files"]
    assert [(f["path"], f["review"]) for f in files] == [("a.txt", "rejected"),
                                                         ("b.txt", "pending")]
