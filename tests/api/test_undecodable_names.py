"""File names that are not UTF-8 (`touch $'bad\\xe9.txt'`) are skipped, never a 500 (issue 9 #2)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest

from pairpad.ai.chat_models import ChatSendRequest
from pairpad.ai.sources.mentions import MentionSource
from pairpad.codebase.index_settings import IndexSettings
from pairpad.codebase.walker import rg_files
from pairpad.workspace.files import FileService

BAD = b"bad\xe9.txt"


@pytest.fixture
def tree(workspace: Path) -> Path:
    (workspace / "sub").mkdir()
    for folder in (workspace, workspace / "sub"):
        (folder / "good.txt").write_text("hello\n")
        with open(os.path.join(os.fsencode(folder), BAD), "wb") as handle:
            handle.write(b"hello from a bad name\n")
    return workspace


@pytest.mark.parametrize("folder", ["", "sub"])
async def test_finding_2_tree_skips_undecodable_names(
    client: httpx.AsyncClient, tree: Path, folder: str
) -> None:
    response = await client.get("/api/files/tree", params={"path": folder})
    assert response.status_code == 200, response.text
    assert [entry["name"] for entry in response.json()["entries"]] == (
        ["sub", "good.txt"] if folder == "" else ["good.txt"]
    )


async def test_finding_2_folder_mention_of_the_root_skips_undecodable_names(tree: Path) -> None:
    source = MentionSource(FileService(tree, max_file_size=1 << 20))
    request = ChatSendRequest(text="what is in here?", mentions=["/"])
    items = await source.gather(request.text, request)
    listing = next(item for item in items if item.kind == "folder")
    assert listing.content.splitlines() == ["sub/", "good.txt"]
    assert {item.path for item in items if item.kind == "file"} == {"good.txt"}
    # Everything can be sent to a model and stored: no lone surrogates anywhere.
    json.dumps([item.report() for item in items], ensure_ascii=False).encode("utf-8")


async def test_search_and_finder_skip_undecodable_names(
    client: httpx.AsyncClient, tree: Path
) -> None:
    search = await client.get("/api/search", params={"q": "hello"})
    assert search.status_code == 200, search.text
    assert sorted(r["path"] for r in search.json()["results"]) == ["good.txt", "sub/good.txt"]
    found = await client.get("/api/search/files", params={"q": "txt"})
    assert found.status_code == 200, found.text
    assert sorted(r["path"] for r in found.json()["results"]) == ["good.txt", "sub/good.txt"]


def test_finding_2_codebase_index_walk_skips_undecodable_names(tree: Path) -> None:
    """Before, the name reached the index build, which then failed as a whole."""
    assert sorted(rg_files(tree, IndexSettings())) == ["good.txt", "sub/good.txt"]
