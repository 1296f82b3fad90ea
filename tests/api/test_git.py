"""/api/git/*: a real repository made by the test (git init, commits, modified, staged and
untracked files); every answer checked against git itself on disk."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import httpx
import pytest

from pairpad.app import PairpadApp
from pairpad.events.models import FsChanged, GitChanged, ServerEvent

LINES = [f"line {n}\n" for n in range(1, 21)]


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def repo(workspace: Path) -> Path:
    git(workspace, "init", "-q", "-b", "main")
    git(workspace, "config", "user.name", "Test")
    git(workspace, "config", "user.email", "test@example.invalid")
    (workspace / "app.py").write_text("".join(LINES))
    (workspace / "staged.txt").write_text("one\n")
    (workspace / "gone.txt").write_text("bye\n")
    (workspace / ".gitignore").write_text("*.log\n")
    git(workspace, "add", ".")
    git(workspace, "commit", "-q", "-m", "first")
    # Two separate changes in app.py (lines 2 and 15), one staged change, an untracked file.
    changed = list(LINES)
    changed[1] = "line 2 changed\n"
    changed[14] = "line 15 changed\n"
    (workspace / "app.py").write_text("".join(changed))
    (workspace / "staged.txt").write_text("one\ntwo\n")
    git(workspace, "add", "staged.txt")
    (workspace / "gone.txt").unlink()
    (workspace / "new.txt").write_text("fresh\n")
    (workspace / "debug.log").write_text("noise\n")
    return workspace


def collect(app: PairpadApp) -> list[ServerEvent]:
    seen: list[ServerEvent] = []

    async def keep(event: ServerEvent) -> None:
        seen.append(event)

    app.services.events.subscribe(keep, FsChanged)  # type: ignore[arg-type]
    app.services.events.subscribe(keep, GitChanged)  # type: ignore[arg-type]
    return seen


async def test_status_shows_staged_changed_untracked_and_ignored_on_request(
    client: httpx.AsyncClient, repo: Path
) -> None:
    body = (await client.get("/api/git/status")).json()
    assert body["repository"] is True and body["branch"] == "main" and len(body["head"]) == 40
    assert [(c["path"], c["status"]) for c in body["staged"]] == [("staged.txt", "M")]
    assert sorted((c["path"], c["status"]) for c in body["changes"]) == [
        ("app.py", "M"), ("gone.txt", "D")]
    assert [c["path"] for c in body["untracked"]] == ["new.txt"]
    assert body["ignored"] == []
    ignored = (await client.get("/api/git/status", params={"ignored": True})).json()
    assert [c["path"] for c in ignored["ignored"]] == ["debug.log"]


async def test_a_rename_is_one_staged_entry_with_its_old_name(
    client: httpx.AsyncClient, repo: Path
) -> None:
    git(repo, "mv", "staged.txt", "renamed.txt")
    staged = (await client.get("/api/git/status")).json()["staged"]
    assert {"path": "renamed.txt", "status": "R", "orig_path": "staged.txt"} in staged


async def test_file_at_head_and_index_and_the_diff_hunks(
    client: httpx.AsyncClient, repo: Path
) -> None:
    head = (await client.get("/api/git/file", params={"path": "staged.txt"})).json()
    index = (await client.get("/api/git/file",
                              params={"path": "staged.txt", "ref": "index"})).json()
    assert head["content"] == "one\n" and index["content"] == "one\ntwo\n"
    absent = (await client.get("/api/git/file", params={"path": "new.txt"})).json()
    assert absent["exists"] is False and absent["content"] is None
    diff = (await client.get("/api/git/diff", params={"path": "app.py"})).json()
    assert diff["hunks"] == [
        {"old_start": 2, "old_lines": 1, "new_start": 2, "new_lines": 1},
        {"old_start": 15, "old_lines": 1, "new_start": 15, "new_lines": 1}]
    staged = (await client.get("/api/git/diff",
                               params={"path": "staged.txt", "staged": True})).json()
    assert staged["hunks"] == [{"old_start": 1, "old_lines": 0, "new_start": 2, "new_lines": 1}]
    assert "+two" in staged["patch"]


async def test_staging_one_hunk_stages_exactly_that_hunk_and_unstaging_takes_it_back(
    client: httpx.AsyncClient, repo: Path, app: PairpadApp
) -> None:
    seen = collect(app)
    hunk = {"old_start": 15, "old_lines": 1, "new_start": 15, "new_lines": 1}
    response = await client.post("/api/git/stage-hunk", json={"path": "app.py", "hunk": hunk})
    assert response.status_code == 200, response.text
    cached = git(repo, "diff", "--cached", "-U0", "--", "app.py")
    assert "+line 15 changed" in cached and "line 2 changed" not in cached
    unstaged = git(repo, "diff", "-U0", "--", "app.py")
    assert "+line 2 changed" in unstaged and "line 15 changed" not in unstaged
    # Both groups list the file now; the working tree is untouched.
    body = response.json()
    assert "app.py" in [c["path"] for c in body["staged"]]
    assert "app.py" in [c["path"] for c in body["changes"]]
    assert (repo / "app.py").read_text().count("changed") == 2
    assert any(isinstance(e, GitChanged) and e.reason == "stage" for e in seen)

    # Stage the other one by its position, then unstage the first by its staged ranges.
    assert (await client.post("/api/git/stage-hunk",
                              json={"path": "app.py", "index": 0})).status_code == 200
    assert git(repo, "diff", "--", "app.py") == ""
    staged = (await client.get("/api/git/diff",
                               params={"path": "app.py", "staged": True})).json()["hunks"]
    assert len(staged) == 2
    response = await client.post("/api/git/unstage-hunk",
                                 json={"path": "app.py", "hunk": staged[1]})
    assert response.status_code == 200, response.text
    cached = git(repo, "diff", "--cached", "-U0", "--", "app.py")
    assert "+line 2 changed" in cached and "line 15 changed" not in cached
    assert "+line 15 changed" in git(repo, "diff", "-U0", "--", "app.py")


async def test_a_hunk_the_file_no_longer_has_is_409_and_changes_nothing(
    client: httpx.AsyncClient, repo: Path
) -> None:
    stale = {"old_start": 3, "old_lines": 1, "new_start": 3, "new_lines": 1}
    response = await client.post("/api/git/stage-hunk", json={"path": "app.py", "hunk": stale})
    assert response.status_code == 409 and "refresh the diff" in response.json()["detail"]
    assert git(repo, "diff", "--cached", "--", "app.py") == ""
    both = await client.post("/api/git/stage-hunk",
                             json={"path": "app.py", "index": 0, "hunk": stale})
    assert both.status_code == 422


async def test_hunks_at_the_edges_stage_alone(
    client: httpx.AsyncClient, repo: Path
) -> None:
    """An insertion at the top, a deletion in the middle and an addition at the end without
    a final newline: each staged alone leaves the others in the working tree."""
    lines = list(LINES)
    del lines[9]
    text = "new top\n" + "".join(lines) + "tail"
    (repo / "app.py").write_text(text)
    for _ in range(3):
        response = await client.post("/api/git/stage-hunk",
                                     json={"path": "app.py", "index": 0})
        assert response.status_code == 200, response.text
    assert git(repo, "show", ":app.py") == text
    assert git(repo, "diff", "--", "app.py") == ""


async def test_discarding_a_hunk_writes_through_the_file_service(
    client: httpx.AsyncClient, repo: Path, app: PairpadApp
) -> None:
    seen = collect(app)
    response = await client.post("/api/git/discard-hunk", json={"path": "app.py", "index": 1})
    assert response.status_code == 200, response.text
    text = (repo / "app.py").read_text()
    assert "line 2 changed" in text and "line 15 changed" not in text and "line 15\n" in text
    # The watcher may still report the fixture's own setup (`external`): Pairpad's is `user`.
    fs = [e for e in seen if isinstance(e, FsChanged)]
    assert [(c.type, c.path) for e in fs for c in e.changes if c.actor == "user"] == [
        ("modified", "app.py")]


async def test_discard_files_restores_from_the_index_and_deletes_untracked(
    client: httpx.AsyncClient, repo: Path
) -> None:
    (repo / "staged.txt").write_text("one\ntwo\nthree\n")
    response = await client.post("/api/git/discard",
                                 json={"paths": ["app.py", "gone.txt", "new.txt",
                                                 "staged.txt"]})
    assert response.status_code == 200, response.text
    assert (repo / "app.py").read_text() == "".join(LINES)
    assert (repo / "gone.txt").read_text() == "bye\n"
    assert not (repo / "new.txt").exists()
    assert (repo / "staged.txt").read_text() == "one\ntwo\n"  # the index's, not HEAD's
    body = response.json()
    assert body["changes"] == [] and body["untracked"] == []
    assert [c["path"] for c in body["staged"]] == ["staged.txt"]


async def test_stage_unstage_files_and_commit(
    client: httpx.AsyncClient, repo: Path
) -> None:
    assert (await client.post("/api/git/stage",
                              json={"paths": ["app.py", "gone.txt", "new.txt"]})).status_code == 200
    assert sorted(git(repo, "diff", "--cached", "--name-only").split()) == [
        "app.py", "gone.txt", "new.txt", "staged.txt"]
    assert (await client.post("/api/git/unstage", json={"paths": ["new.txt"]})).status_code == 200
    assert "new.txt" not in git(repo, "diff", "--cached", "--name-only")
    empty = await client.post("/api/git/commit", json={"message": "  \n"})
    assert empty.status_code == 422 and "empty" in empty.json()["detail"]
    response = await client.post("/api/git/commit", json={"message": "Second commit\n\nBody"})
    assert response.status_code == 200, response.text
    assert response.json()["summary"] == "Second commit"
    assert git(repo, "log", "-1", "--format=%H %s").split(" ", 1) == [
        response.json()["commit"], "Second commit\n"]
    nothing = await client.post("/api/git/commit", json={"message": "again"})
    assert nothing.status_code == 409 and "Nothing is staged" in nothing.json()["detail"]


async def test_commit_skips_hooks_unless_asked(client: httpx.AsyncClient, repo: Path) -> None:
    hooks = repo / ".hooks"
    hooks.mkdir()
    hook = hooks / "pre-commit"
    hook.write_text("#!/bin/sh\necho ran >> \"$(git rev-parse --show-toplevel)/hook-ran\"\n"
                    "exit 1\n")
    hook.chmod(0o755)
    git(repo, "config", "core.hooksPath", ".hooks")
    assert (await client.post("/api/git/commit", json={"message": "no hooks"})).status_code == 200
    assert not (repo / "hook-ran").exists()
    git(repo, "add", "app.py")
    refused = await client.post("/api/git/commit", json={"message": "hooks", "run_hooks": True})
    assert refused.status_code == 409 and (repo / "hook-ran").exists()
    assert git(repo, "log", "-1", "--format=%s").strip() == "no hooks"


async def test_branches_create_and_switch_update_disk_and_announce_changes(
    client: httpx.AsyncClient, repo: Path, app: PairpadApp
) -> None:
    git(repo, "add", ".")  # a clean tree to switch on
    git(repo, "commit", "-q", "-m", "everything")
    created = await client.post("/api/git/branch", json={"name": "feature", "create": True})
    assert created.status_code == 200, created.text
    assert created.json()["current"] == "feature"
    (repo / "feature.txt").write_text("only here\n")
    (repo / "app.py").write_text("rewritten\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "feature work")
    seen = collect(app)
    switched = await client.post("/api/git/branch", json={"name": "main"})
    assert switched.status_code == 200, switched.text
    assert {b["name"]: b["current"] for b in switched.json()["branches"]} == {
        "feature": False, "main": True}
    assert not (repo / "feature.txt").exists()
    assert "line 2 changed" in (repo / "app.py").read_text()
    changes = {(c.type, c.path) for e in seen if isinstance(e, FsChanged)
               for c in e.changes if c.actor == "user"}
    assert changes == {("deleted", "feature.txt"), ("modified", "app.py")}
    listed = (await client.get("/api/git/branches")).json()
    assert listed["current"] == "main" and len(listed["branches"]) == 2
    # A change git would overwrite: refused with git's own message, nothing switched.
    (repo / "app.py").write_text("local edit\n")
    refused = await client.post("/api/git/branch", json={"name": "feature"})
    assert refused.status_code == 409
    assert "would be overwritten" in refused.json()["detail"]
    assert git(repo, "branch", "--show-current").strip() == "main"
    bad = await client.post("/api/git/branch", json={"name": "a..b", "create": True})
    assert bad.status_code == 422
    missing = await client.post("/api/git/branch", json={"name": "nope"})
    assert missing.status_code in (404, 409, 422) and "nope" in missing.json()["detail"]


async def test_not_a_repository_then_init(client: httpx.AsyncClient, workspace: Path) -> None:
    assert (await client.get("/api/git/status")).json()["repository"] is False
    diff = await client.get("/api/git/diff", params={"path": "a.txt"})
    assert diff.status_code == 404 and "not a git repository" in diff.json()["detail"]
    assert (await client.post("/api/git/init")).status_code == 200
    assert (workspace / ".git" / "HEAD").is_file()
    (workspace / "a.txt").write_text("a\n")
    body = (await client.get("/api/git/status")).json()
    assert body["repository"] is True and body["head"] is None
    assert [c["path"] for c in body["untracked"]] == ["a.txt"]
    # Before the first commit unstaging still works (there is no HEAD to restore from).
    await client.post("/api/git/stage", json={"paths": ["a.txt"]})
    assert (await client.post("/api/git/unstage", json={"paths": ["a.txt"]})).status_code == 200
    assert (await client.get("/api/git/status")).json()["staged"] == []
    assert (await client.post("/api/git/init")).status_code == 409


async def test_pull_and_push_without_a_remote_report_gits_error(
    client: httpx.AsyncClient, repo: Path
) -> None:
    for command in ("pull", "push"):
        response = await client.post(f"/api/git/{command}")
        assert response.status_code == 409, response.text
        detail = response.json()["detail"]
        assert detail.startswith(f"git {command} failed: ") and len(detail) > 25


async def test_paths_are_confined_to_the_workspace(
    client: httpx.AsyncClient, repo: Path
) -> None:
    for path in ("../outside.txt", ".git/config", "/etc/passwd"):
        response = await client.post("/api/git/stage", json={"paths": [path]})
        assert response.status_code in (400, 403), (path, response.text)
    assert git(repo, "diff", "--cached", "--name-only").split() == ["staged.txt"]


async def test_a_workspace_inside_a_larger_repository_sees_only_its_folder(
    tmp_path: Path, settings: object
) -> None:
    from pairpad.app import create_app
    from pairpad.config import Settings

    outer = tmp_path / "outer"
    (outer / "sub").mkdir(parents=True)
    git(outer, "init", "-q", "-b", "main")
    (outer / "top.txt").write_text("top\n")
    (outer / "sub" / "inner.txt").write_text("inner\n")
    assert isinstance(settings, Settings)
    app = create_app(settings.model_copy(update={"workspace": (outer / "sub").resolve()}))
    async with app.fastapi.router.lifespan_context(app.fastapi):
        status = await app.services.git.status()
        assert [c.path for c in status.untracked] == ["inner.txt"]
        await app.services.git.stage(["inner.txt"])
        assert git(outer, "diff", "--cached", "--name-only").split() == ["sub/inner.txt"]
        await asyncio.sleep(0)
