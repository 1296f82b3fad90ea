"""Outline, workspace symbols, definitions and references over HTTP."""

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


async def test_outline_of_a_file(client: httpx.AsyncClient, workspace: Path) -> None:
    body = (await client.get("/api/symbols/outline", params={"path": "web/src/client.ts"})
            ).json()
    assert body["path"] == "web/src/client.ts"
    names = [s["name"] for s in body["symbols"]]
    assert names == ["Entry", "Fetcher", "KvClient"]
    kv = body["symbols"][2]
    assert [c["name"] for c in kv["children"]] == ["constructor", "get", "put", "describe"]
    assert kv["line"] == 13 and kv["end_line"] == 35


@pytest.mark.parametrize(("path", "status"), [
    ("../etc/passwd", 403), ("/etc/passwd", 403), ("nope.py", 404),
    ("kvstore", 400),  # a directory, as GET /api/files/content answers
])
async def test_outline_refuses_bad_paths(client: httpx.AsyncClient, path: str,
                                         status: int) -> None:
    response = await client.get("/api/symbols/outline", params={"path": path})
    assert response.status_code == status
    assert response.json()["detail"]


async def test_workspace_symbol_search(client: httpx.AsyncClient) -> None:
    await wait_ready(client)
    body = (await client.get("/api/symbols/workspace", params={"q": "Ring"})).json()
    assert [r["name"] for r in body["results"]][:2] == ["Ring", "RingBuffer"]
    assert {r["path"] for r in body["results"]} >= {"native/hash.go", "native/ring_buffer.cpp"}


async def test_definition_and_references_across_files(client: httpx.AsyncClient) -> None:
    await wait_ready(client)
    body = (await client.get("/api/symbols/definition",
                             params={"name": "formatBytes", "path": "web/src/client.ts"})).json()
    assert [(r["path"], r["line"], r["column"]) for r in body["results"]] == [
        ("web/src/format.ts", 5, 16)]
    refs = (await client.get("/api/symbols/references", params={"name": "formatBytes"})).json()
    assert [(r["path"], r["line"]) for r in refs["results"]] == [
        ("web/src/client.ts", 3), ("web/src/client.ts", 33)]
    missing = (await client.get("/api/symbols/definition", params={"name": "nope"})).json()
    assert missing["results"] == []


async def test_outline_of_an_unsaved_buffer(client: httpx.AsyncClient, workspace: Path) -> None:
    """The editor sends its buffer: unsaved functions show, and a file renamed or deleted on
    disk meanwhile is not an error (nothing is read from disk)."""
    content = "class Draft:\n    def sketch(self):\n        return 1\n\ndef unsaved():\n    pass\n"
    response = await client.post(
        "/api/symbols/outline", json={"path": "gone/new_module.py", "content": content}
    )
    assert response.status_code == 200
    symbols = response.json()["symbols"]
    assert [s["name"] for s in symbols] == ["Draft", "unsaved"]
    assert [c["name"] for c in symbols[0]["children"]] == ["sketch"]
    assert not (workspace / "gone").exists()


@pytest.mark.parametrize(("path", "status"), [("../evil.py", 403), ("/etc/x.py", 403)])
async def test_buffer_outline_refuses_bad_paths(
    client: httpx.AsyncClient, path: str, status: int
) -> None:
    response = await client.post("/api/symbols/outline", json={"path": path, "content": "x = 1"})
    assert response.status_code == status
    assert response.json()["detail"]


async def test_buffer_outline_size_limit(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/symbols/outline", json={"path": "big.py", "content": "x = 1\n" * 1_000_000}
    )
    assert response.status_code == 413


async def test_finding_7_lone_surrogate_in_outline_path_is_422_not_500(
    client: httpx.AsyncClient,
) -> None:
    # JSON "\ud800" decodes to a str UTF-8 cannot encode: it used to fail echoing the path.
    body = '{"path": "app\\ud800.py", "content": "x = 1\\n"}'
    response = await client.post(
        "/api/symbols/outline", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "Invalid request: path: contains a lone surrogate (not valid Unicode)"
    )
    # The query form cannot carry one: undecodable bytes arrive as U+FFFD, a missing file.
    assert (await client.get("/api/symbols/outline?path=app%ED%A0%80.py")).status_code == 404
