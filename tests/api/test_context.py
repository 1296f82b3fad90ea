"""GET /api/context/search and /api/context/repomap on the fixture repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from tests.api.test_index import FIXTURE_REPO, wait_ready


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(FIXTURE_REPO, root)
    return root


async def test_search_returns_snippets_with_signals(client: httpx.AsyncClient) -> None:
    await wait_ready(client)
    response = await client.get("/api/context/search",
                                params={"q": "where is evict_expired", "k": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "where is evict_expired"
    assert len(body["results"]) <= 3
    top = body["results"][0]
    assert top["path"] == "kvstore/expiry.py"
    assert top["start_line"] <= 38 <= top["end_line"]
    assert "def evict_expired" in top["text"]
    assert top["tokens"] > 0 and top["score"] > 0
    names = {s["name"] for s in top["signals"]}
    assert {"bm25", "symbol"} <= names


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "x", "k": 0}, {"q": "x", "k": 101}])
async def test_search_rejects_bad_parameters(client: httpx.AsyncClient,
                                             params: dict[str, object]) -> None:
    response = await client.get("/api/context/search", params=params)
    assert response.status_code == 422
    assert "detail" in response.json()


async def test_search_with_no_match_is_empty(client: httpx.AsyncClient) -> None:
    await wait_ready(client)
    body = (await client.get("/api/context/search", params={"q": "zyzzyva"})).json()
    assert body["results"] == []


async def test_repo_map_is_personalised_and_budgeted(client: httpx.AsyncClient) -> None:
    await wait_ready(client)
    body = (await client.get("/api/context/repomap",
                             params={"files": "kvstore/server.py", "tokens": 100})).json()
    assert body["tokens"] <= 100
    assert body["text"].startswith("kvstore/")
    assert "│class KeyValueStore:" in body["text"]
