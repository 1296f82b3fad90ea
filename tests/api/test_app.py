"""App factory basics: OpenAPI, workspace info, migrations and WAL."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import httpx
import pytest

from pairpad import app as app_module
from pairpad.app import PairpadApp, create_app
from pairpad.config import Settings
from tests.conftest import TEST_HOST, TEST_TOKEN


async def test_openapi_lists_routes(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/api/openapi.json")).json()
    assert "/api/health" in spec["paths"]
    assert "/api/settings" in spec["paths"]


async def test_workspace_info_without_git(client: httpx.AsyncClient, workspace: Path) -> None:
    info = (await client.get("/api/workspace")).json()
    watcher = info.pop("watcher")
    assert info == {"name": workspace.name, "root": str(workspace), "branch": None}
    assert watcher["state"] in ("starting", "running")
    assert (watcher["restarts"], watcher["last_error"]) == (0, None)


async def test_workspace_info_reports_git_branch(
    client: httpx.AsyncClient, workspace: Path
) -> None:
    subprocess.run(["git", "init", "-q", "-b", "feature/x", str(workspace)], check=True)
    assert (await client.get("/api/workspace")).json()["branch"] == "feature/x"


async def test_database_is_migrated_and_in_wal_mode(app: PairpadApp, settings: Settings) -> None:
    with sqlite3.connect(settings.database_path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert {"alembic_version", "user_settings"} <= tables


def test_create_app_has_no_side_effects(settings: Settings) -> None:
    create_app(settings)
    assert not settings.data_dir.exists()


def test_generated_tokens_are_unique_and_long(settings: Settings) -> None:
    no_token = settings.model_copy(update={"token": None})
    first, second = create_app(no_token).token, create_app(no_token).token
    assert first != second and len(first) >= 32


async def test_unknown_api_route_is_404_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/does-not-exist")
    assert response.status_code == 404
    assert response.json()["detail"]


async def test_ui_bundle_is_gzipped_but_api_json_is_not(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    static = tmp_path / "static"
    (static / "assets").mkdir(parents=True)
    (static / "index.html").write_text("<!doctype html><title>Pairpad</title>")
    (static / "assets" / "app.js").write_text("console.log('pairpad');\n" * 500)
    monkeypatch.setattr(app_module, "STATIC_DIR", static)
    app = create_app(settings)
    async with (
        app.fastapi.router.lifespan_context(app.fastapi),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url=f"http://{TEST_HOST}",
            headers={"Authorization": f"Bearer {TEST_TOKEN}", "Accept-Encoding": "gzip"},
        ) as http,
    ):
        asset = await http.get("/assets/app.js")
        assert asset.headers["content-encoding"] == "gzip"
        assert asset.text.startswith("console.log")
        assert "Pairpad" in (await http.get("/")).text
        spec = await http.get("/api/openapi.json")
        assert "content-encoding" not in spec.headers


async def test_an_unexpected_error_is_a_json_500(
    app: PairpadApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken() -> dict[str, object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(app.services.preferences, "get_all", broken)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url=f"http://{TEST_HOST}",
        headers={"Authorization": f"Bearer {TEST_TOKEN}"},
    ) as http:
        response = await http.get("/api/settings")
    assert response.status_code == 500
    assert "RuntimeError" in response.json()["detail"]
    assert "boom" not in response.json()["detail"]  # internals stay in the log
