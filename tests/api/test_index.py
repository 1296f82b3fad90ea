"""GET /api/index/status and POST /api/index/rebuild on the real app."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest

from pairpad.app import PairpadApp

FIXTURE_REPO = Path(__file__).parents[1] / "fixtures" / "context_repo"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(FIXTURE_REPO, root)
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    return root


async def wait_ready(client: httpx.AsyncClient, timeout: float = 20) -> dict[str, Any]:
    for _ in range(int(timeout / 0.05)):
        status: dict[str, Any] = (await client.get("/api/index/status")).json()
        if status["state"] == "ready":
            return status
        await asyncio.sleep(0.05)
    raise AssertionError(f"index not ready: {status}")


async def test_status_reports_progress_skips_and_location(
    client: httpx.AsyncClient, app: PairpadApp, data_dir: Path, workspace: Path
) -> None:
    status = await wait_ready(client)
    assert status["indexed"] == status["total"] == 15
    assert status["percent"] == 100.0
    assert {"path": "logo.png", "reason": "binary"} in status["skipped"]
    assert status["errors"] == []
    assert status["last_update"] is not None and status["duration"] >= 0
    assert Path(status["database"]).is_relative_to(data_dir / "index")
    assert not list(workspace.rglob("*.sqlite3*"))
    # no embed role configured: the embedding signal is off and says how to turn it on
    assert status["embeddings"]["state"] == "off"
    assert "ai.roles.embed" in status["embeddings"]["detail"]


async def test_rebuild_after_changes_made_while_stopped(
    client: httpx.AsyncClient, workspace: Path
) -> None:
    await wait_ready(client)
    (workspace / "kvstore" / "extra.py").write_text("def brand_new_function():\n    pass\n")
    response = await client.post("/api/index/rebuild")
    assert response.status_code == 202
    for _ in range(200):
        found = (await client.get("/api/symbols/definition",
                                  params={"name": "brand_new_function"})).json()["results"]
        if found:
            break
        await asyncio.sleep(0.05)
    assert found[0]["path"] == "kvstore/extra.py"
    assert (await wait_ready(client))["total"] == 16


async def test_index_api_needs_credentials(anonymous: httpx.AsyncClient) -> None:
    assert (await anonymous.get("/api/index/status")).status_code == 401
    assert (await anonymous.post("/api/index/rebuild")).status_code == 401

