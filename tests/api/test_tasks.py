"""Workspace tasks over HTTP on the real app, run in the real sandbox: the fixture project
(tests/fixtures/problems_project: one failing test, one unused import) gives both problems;
a config task waits for the user's approval of its exact argv."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import httpx
import pytest

from pairpad.app import PairpadApp, create_app
from pairpad.config import Settings
from pairpad.events.models import ProblemsChanged
from pairpad.runtime.settings import RuntimeSettings
from tests.conftest import TEST_HOST, TEST_TOKEN
from tests.support.toolchain import READONLY_PATHS
from tests.support.toolchain import VENV as TOOLCHAIN_VENV

FIXTURE = Path(__file__).parents[1] / "fixtures" / "problems_project"
# This venv has pytest and ruff; the project uses it as its .venv (visible in the sandbox
# through runtime.readonly_paths when it lies under /tmp).
VENV = TOOLCHAIN_VENV
CI = os.environ.get("CI") == "true"


def project(workspace: Path) -> Path:
    shutil.copytree(FIXTURE, workspace, dirs_exist_ok=True)
    (workspace / ".venv").symlink_to(VENV)
    return workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    return project(root)


@pytest.fixture
def settings(workspace: Path, data_dir: Path) -> Settings:
    return Settings(workspace=workspace, data_dir=data_dir, token=TEST_TOKEN,
                    open_browser=False, runtime=RuntimeSettings(readonly_paths=READONLY_PATHS))


@pytest.fixture
async def published(app: PairpadApp) -> list[ProblemsChanged]:
    seen: list[ProblemsChanged] = []

    async def record(event: object) -> None:
        assert isinstance(event, ProblemsChanged)
        seen.append(event)

    app.services.events.subscribe(record, ProblemsChanged)
    return seen


async def test_tasks_are_detected_from_the_project(client: httpx.AsyncClient,
                                                   workspace: Path) -> None:
    body = (await client.get("/api/tasks")).json()
    tasks = {task["name"]: task for task in body["tasks"]}
    assert body["config_error"] is None
    if CI:
        assert body["sandbox"] == "bubblewrap"
    assert tasks["test"]["argv"] == [str(workspace / ".venv/bin/python"), "-m", "pytest",
                                     "-q", "-rfE"]
    assert tasks["test"]["source"] == "detected" and tasks["test"]["approved"] is True
    assert "pyproject.toml [tool.pytest]" in tasks["test"]["detail"]
    assert tasks["test"]["problem_matcher"] == "pytest"
    assert tasks["lint"]["argv"][1:] == ["check", "--output-format=concise", "--no-fix", "."]
    assert tasks["lint"]["problem_matcher"] == "ruff"
    assert set(tasks["test"]) >= {"name", "argv", "source", "detail", "approved",
                                  "problem_matcher"}


async def test_test_and_lint_tasks_find_both_problems(
    client: httpx.AsyncClient, workspace: Path, published: list[ProblemsChanged]
) -> None:
    response = await client.post("/api/tasks/run", json={"name": "test"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["result"]["exit_code"] == 1, body["result"]
    assert body["result"]["sandbox"] in ("bubblewrap", "landlock")
    assert [(p["path"], p["line"], p["severity"], p["tool"]) for p in body["problems"]] == [
        ("tests/test_calc.py", 9, "error", "pytest")]
    assert "test_subtract" in body["problems"][0]["message"]
    assert "assert 8 == 2" in body["problems"][0]["message"]

    lint = (await client.post("/api/tasks/run", json={"name": "lint"})).json()
    assert [(p["path"], p["line"], p["column"], p["severity"], p["tool"], p["code"])
            for p in lint["problems"]] == [("calc/__init__.py", 3, 8, "error", "ruff", "F401")]

    sources = (await client.get("/api/problems")).json()["sources"]
    assert set(sources) == {"task:test", "task:lint"}
    assert sources["task:lint"] == lint["problems"]
    assert [(e.source, len(e.problems)) for e in published] == [("task:test", 1),
                                                               ("task:lint", 1)]

    # Fixed: the next run replaces the source's problems with none.
    init = workspace / "calc" / "__init__.py"
    init.write_text(init.read_text().replace("import os\n", ""))
    again = (await client.post("/api/tasks/run", json={"name": "lint"})).json()
    assert again["problems"] == [] and again["result"]["exit_code"] == 0
    assert (await client.get("/api/problems")).json()["sources"]["task:lint"] == []
    assert published[-1].source == "task:lint" and published[-1].problems == []

    assert (await client.delete("/api/problems/task:test")).json() == {"ok": True}
    assert set((await client.get("/api/problems")).json()["sources"]) == {"task:lint"}
    assert published[-1].source == "task:test" and published[-1].problems == []
    missing = await client.delete("/api/problems/task:nope")
    assert missing.status_code == 404 and "task:lint" in missing.json()["detail"]


async def test_a_config_task_runs_only_once_its_argv_is_approved(
    client: httpx.AsyncClient, workspace: Path
) -> None:
    config = workspace / ".pairpad" / "config.toml"
    config.parent.mkdir()
    config.write_text('[commands]\ngreet = ["sh", "-c", "echo hello > greeted.txt"]\n'
                      'test = { argv = ["sh", "-c", "echo t.py:1: boom"], timeout_s = 30 }\n')
    tasks = {t["name"]: t for t in (await client.get("/api/tasks")).json()["tasks"]}
    assert tasks["greet"]["source"] == "config" and tasks["greet"]["approved"] is False
    assert tasks["greet"]["detail"] == "from .pairpad/config.toml"
    assert tasks["test"]["source"] == "config"  # overrides the detected pytest one
    assert tasks["test"]["timeout_s"] == 30

    refused = await client.post("/api/tasks/run", json={"name": "greet"})
    assert refused.status_code == 428
    assert "approve" in refused.json()["detail"]
    assert refused.json()["task"] == {"name": "greet", "argv": ["sh", "-c",
                                      "echo hello > greeted.txt"], "source": "config",
                                      "detail": "from .pairpad/config.toml"}
    assert not (workspace / "greeted.txt").exists()

    argv = tasks["greet"]["argv"]
    stale = await client.post("/api/tasks/approve", json={"name": "greet", "argv": ["true"]})
    assert stale.status_code == 409
    unknown = await client.post("/api/tasks/approve", json={"name": "nope", "argv": ["true"]})
    assert unknown.status_code == 404
    approved = await client.post("/api/tasks/approve", json={"name": "greet", "argv": argv})
    assert approved.json() == {"ok": True}
    listed = {t["name"]: t for t in (await client.get("/api/tasks")).json()["tasks"]}
    assert listed["greet"]["approved"] is True and listed["test"]["approved"] is False

    ran = await client.post("/api/tasks/run", json={"name": "greet"})
    assert ran.status_code == 200, ran.text
    assert (workspace / "greeted.txt").read_text() == "hello\n"

    # The workspace changes the command: asked again.
    config.write_text('[commands]\ngreet = ["sh", "-c", "echo changed > greeted.txt"]\n')
    again = await client.post("/api/tasks/run", json={"name": "greet"})
    assert again.status_code == 428
    assert (workspace / "greeted.txt").read_text() == "hello\n"
    assert (await client.post("/api/tasks/run", json={"name": "nope"})).status_code == 404


async def test_a_broken_config_is_reported_and_its_good_entries_kept(
    client: httpx.AsyncClient, workspace: Path
) -> None:
    config = workspace / ".pairpad" / "config.toml"
    config.parent.mkdir()
    config.write_text('[commands]\nlint = "ruff check ."\nok = ["true"]\n')
    body = (await client.get("/api/tasks")).json()
    assert "commands.lint" in body["config_error"] and "array of strings" in body["config_error"]
    names = {t["name"]: t["source"] for t in body["tasks"]}
    assert names["ok"] == "config" and names["lint"] == "detected"
    config.write_text("[commands\n")
    body = (await client.get("/api/tasks")).json()
    assert "not valid TOML" in body["config_error"]
    assert {t["source"] for t in body["tasks"]} == {"detected"}


async def test_tasks_never_run_unsandboxed(workspace: Path, data_dir: Path) -> None:
    settings = Settings(workspace=workspace, data_dir=data_dir, token=TEST_TOKEN,
                        open_browser=False,
                        runtime=RuntimeSettings(sandbox="none", allow_unsandboxed=True))
    application = create_app(settings)
    async with application.fastapi.router.lifespan_context(application.fastapi), \
            httpx.AsyncClient(transport=httpx.ASGITransport(app=application),
                              base_url=f"http://{TEST_HOST}",
                              headers={"Authorization": f"Bearer {TEST_TOKEN}"}) as http:
        assert (await http.get("/api/tasks")).json()["sandbox"] == "none"
        response = await http.post("/api/tasks/run", json={"name": "lint"})
        assert response.status_code == 503
        assert "runtime.allow_unsandboxed does not apply" in response.json()["detail"]
        assert (await http.get("/api/problems")).json() == {"sources": {}}


async def test_cannot_approve_without_the_token(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.post("/api/tasks/approve", json={"name": "x", "argv": ["y"]})
    assert response.status_code == 401




async def test_problems_at_secret_outside_or_missing_paths_are_dropped(
    client: httpx.AsyncClient, workspace: Path
) -> None:
    (workspace / ".env").write_text("TOKEN=x\n")
    (workspace / "ok.py").write_text("x = 1\n")
    config = workspace / ".pairpad" / "config.toml"
    config.parent.mkdir()
    lines = [".env:1:1: error: leaked", f"{workspace}/ok.py:1:1: error: absolute",
             "/etc/passwd:1:1: error: outside", "gone.py:2:1: error: missing",
             "ok.py:1:1: error: absolute"]
    config.write_text('[commands]\nscan = ["printf", "%s\\\\n", '
                      + ", ".join(f'"{line}"' for line in lines) + "]\n")
    argv = {t["name"]: t for t in (await client.get("/api/tasks")).json()["tasks"]}["scan"]
    await client.post("/api/tasks/approve", json={"name": "scan", "argv": argv["argv"]})
    body = (await client.post("/api/tasks/run", json={"name": "scan"})).json()
    assert body["result"]["stdout"].splitlines() == lines
    assert [(p["path"], p["message"], p["tool"]) for p in body["problems"]] == [
        ("ok.py", "absolute", "printf")]
