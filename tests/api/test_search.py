"""/api/search (ripgrep) and /api/search/files (fuzzy finder) against the real rg binary.

No skips: without rg these tests fail (DESIGN.md §7), which is what CI=true demands.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pairpad.app import create_app
from pairpad.config import Settings
from pairpad.workspace.models import SearchMatch
from pairpad.workspace.ripgrep import find_rg
from tests.conftest import TEST_HOST, TEST_TOKEN


@pytest.fixture
def project(workspace: Path) -> Path:
    files = {
        "src/app.py": "import os\n\ndef Hello():\n    return 'hello world'\n",
        "src/util.py": "HELLO = 1\nvalue = hello_count + 2\n",
        "src/café.txt": "naïve café — hello there\n",
        "docs/guide.md": "# Guide\nSay hello.\n",
        "web/index.ts": "const x = 'hello'\n",
        "build/out.py": "hello from build\n",
        "notes.log": "hello in a log\n",
        ".hidden/conf.py": "hello hidden\n",
        ".gitignore": "build/\n*.log\n",
    }
    for rel, text in files.items():
        path = workspace / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (workspace / ".git").mkdir()
    (workspace / ".git" / "config").write_text("hello from git internals\n")
    return workspace


async def _search(client: httpx.AsyncClient, **params: object) -> dict[str, object]:
    response = await client.get("/api/search", params=params)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _paths(body: dict[str, object]) -> list[str]:
    return sorted({r["path"] for r in body["results"]})  # type: ignore[attr-defined,index]


def rg_children() -> list[int]:
    """Live rg processes started by this test process."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            comm = Path(f"/proc/{entry}/comm").read_text().strip()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and comm == "rg" and fields[0] != "Z":
            found.append(int(entry))
    return found


def test_the_rg_binary_is_the_pinned_one_beside_python() -> None:
    import subprocess

    version = subprocess.run([find_rg(), "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("ripgrep 14.1.0")


async def test_finds_text_with_line_column_and_text(
    client: httpx.AsyncClient, project: Path
) -> None:
    body = await _search(client, q="hello world")
    assert body == {
        "results": [
            {
                "path": "src/app.py",
                "line": 4,
                "column": 13,
                "text": "    return 'hello world'",
                "text_start": 1,
                "ranges": [[13, 24]],
            }
        ],
        "truncated": False,
    }


async def test_columns_count_characters_not_bytes(client: httpx.AsyncClient, project: Path) -> None:
    body = await _search(client, q="hello", glob="*.txt")
    (match,) = body["results"]  # type: ignore[misc]
    assert match["column"] == len("naïve café — ") + 1
    assert match["text"][match["column"] - 1 :].startswith("hello")


async def test_case_flag(client: httpx.AsyncClient, project: Path) -> None:
    insensitive = await _search(client, q="HELLO")
    assert "src/app.py" in _paths(insensitive) and "docs/guide.md" in _paths(insensitive)
    sensitive = await _search(client, q="HELLO", case="true")
    assert _paths(sensitive) == ["src/util.py"]


async def test_literal_by_default_regex_on_request(
    client: httpx.AsyncClient, project: Path
) -> None:
    assert (await _search(client, q="hel+o"))["results"] == []
    regex = await _search(client, q=r"hel+o_\w+", regex="true")
    assert [(r["path"], r["text"]) for r in regex["results"]] == [  # type: ignore[attr-defined]
        ("src/util.py", "value = hello_count + 2")
    ]
    assert _paths(await _search(client, q="Hello(", regex="false")) == ["src/app.py"]


async def test_gitignore_git_dir_and_hidden_files(client: httpx.AsyncClient, project: Path) -> None:
    paths = _paths(await _search(client, q="hello"))
    assert "build/out.py" not in paths and "notes.log" not in paths
    assert not any(path.startswith(".git/") for path in paths)
    assert ".hidden/conf.py" in paths  # hidden but not ignored: searched, like VS Code


async def test_globs_include_and_exclude(client: httpx.AsyncClient, project: Path) -> None:
    assert _paths(await _search(client, q="hello", glob="*.md,*.ts")) == [
        "docs/guide.md",
        "web/index.ts",
    ]
    assert _paths(await _search(client, q="hello", glob="*.{md,ts}")) == [
        "docs/guide.md",
        "web/index.ts",
    ]
    excluded = _paths(await _search(client, q="hello", glob="!src/**"))
    assert excluded and not any(path.startswith("src/") for path in excluded)


async def test_max_truncates(client: httpx.AsyncClient, project: Path) -> None:
    assert len((await _search(client, q="hello"))["results"]) == 8  # type: ignore[arg-type]
    capped = await _search(client, q="hello", max=2)
    assert len(capped["results"]) == 2 and capped["truncated"] is True  # type: ignore[arg-type]
    exact = await _search(client, q="hello", max=8)
    assert exact["truncated"] is False
    assert rg_children() == []


async def test_max_is_capped_by_the_settings_ceiling(
    client: httpx.AsyncClient, workspace: Path, settings: Settings
) -> None:
    lines = "\n".join(["needle"] * (settings.search_max_results + 10))
    (workspace / "many.txt").write_text(lines)
    body = await _search(client, q="needle", max=settings.search_max_results * 10)
    assert len(body["results"]) == settings.search_max_results  # type: ignore[arg-type]
    assert body["truncated"] is True


@pytest.mark.parametrize(
    ("params", "status", "detail"),
    [
        ({"q": "a(", "regex": "true"}, 400, "Invalid regular expression: unclosed group"),
        ({"q": "a(?=b)", "regex": "true"}, 400, "Invalid regular expression: look-around"),
        ({"q": "x", "glob": "[z"}, 400, "Invalid glob"),
        ({"q": "a\nb"}, 400, "span lines"),
        ({"q": ""}, 422, "q"),
        ({}, 422, "q"),
        ({"q": "x", "max": 0}, 422, "max"),
        ({"q": "x", "regex": "maybe"}, 422, "regex"),
    ],
)
async def test_bad_queries(
    client: httpx.AsyncClient, project: Path, params: dict[str, object], status: int, detail: str
) -> None:
    response = await client.get("/api/search", params=params)  # type: ignore[arg-type]
    assert response.status_code == status, response.text
    assert detail in response.json()["detail"]


@pytest.fixture
async def impatient_client(settings: Settings, workspace: Path) -> AsyncIterator[httpx.AsyncClient]:
    """An app whose search timeout is far too short for its (large) workspace."""
    for index in range(300):
        (workspace / f"f{index:04}.txt").write_text("needle here\n" * 200)
    app = create_app(settings.model_copy(update={"search_timeout": 0.001}))
    async with (
        app.fastapi.router.lifespan_context(app.fastapi),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url=f"http://{TEST_HOST}",
            headers={"Authorization": f"Bearer {TEST_TOKEN}"},
        ) as http,
    ):
        yield http


async def test_timeout_returns_what_came_and_kills_rg(impatient_client: httpx.AsyncClient) -> None:
    body = await _search(impatient_client, q="needle")
    assert body["truncated"] is True
    assert len(body["results"]) < 300 * 200  # type: ignore[arg-type]
    assert rg_children() == []


async def test_search_requires_authentication(anonymous: httpx.AsyncClient) -> None:
    assert (await anonymous.get("/api/search", params={"q": "x"})).status_code == 401
    assert (await anonymous.get("/api/search/files", params={"q": "x"})).status_code == 401


async def test_finding_1_long_line_result_keeps_the_match(
    client: httpx.AsyncClient, workspace: Path
) -> None:
    (workspace / "bundle.min.js").write_text("a" * 200_000 + "needle" + "a" * 1000 + "\n")
    results: list[dict[str, Any]] = (await _search(client, q="needle"))["results"]  # type: ignore[assignment]
    (match,) = results
    assert match["column"] == 200_001
    assert "needle" in match["text"] and len(match["text"]) <= 1002
    assert match["text"].startswith("…")


async def test_finding_1_search_results_are_built_off_the_event_loop(
    client: httpx.AsyncClient, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a search is stuck building its first result, the server still answers.

    The first result's construction is held on a gate. Built on the event loop (as before),
    it holds the whole server: /api/health cannot run, so the gate's own deadline expires.
    """
    (workspace / "long.txt").write_text("a" * 200_000 + "\n")
    entered, release = threading.Event(), threading.Event()
    expired: list[bool] = []
    original = SearchMatch.__init__

    def gated(self: SearchMatch, **data: Any) -> None:
        if not entered.is_set():
            entered.set()
            if not release.wait(timeout=5):
                expired.append(True)
        original(self, **data)

    monkeypatch.setattr(SearchMatch, "__init__", gated)
    search = asyncio.create_task(client.get("/api/search", params={"q": "a", "max": 1}))
    assert await asyncio.to_thread(entered.wait, 30)
    health = await client.get("/api/health")
    release.set()
    assert health.status_code == 200
    assert not expired, "the event loop was blocked while a search result was built"
    response = await search
    assert response.status_code == 200 and len(response.json()["results"]) == 1


async def test_finding_6_a_user_glob_never_widens_what_search_sees(
    client: httpx.AsyncClient, project: Path
) -> None:
    (project / "src" / ".pairpad-tmp-0123").write_text("hello from a temp file\n")
    (project / ".pairpad-tmp-4567").write_text("hello from a temp file\n")
    hidden = {".git/config", "src/.pairpad-tmp-0123", ".pairpad-tmp-4567"}
    ignored = {"build/out.py", "notes.log"}
    for glob in ("*", "**", "**/*", ".git/**", ".git/*", "*.log", "build/**,*.py", "!x,*"):
        paths = set(_paths(await _search(client, q="hello", glob=glob)))
        assert not paths & (hidden | ignored), glob
    # Narrowing still works, include and exclude alike.
    assert _paths(await _search(client, q="hello", glob="*")) == _paths(
        await _search(client, q="hello")
    )
    assert _paths(await _search(client, q="hello", glob="*.py")) == [
        ".hidden/conf.py",
        "src/app.py",
        "src/util.py",
    ]
    assert "src/app.py" not in _paths(await _search(client, q="hello", glob="*,!src/**"))


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"q": "a\x00b"}, "Search text cannot contain a NUL"),
        ({"q": "hello", "glob": "*.py\x00"}, "glob cannot contain a NUL"),
        ({"q": "hello", "glob": "*.md,\x00"}, "glob cannot contain a NUL"),
    ],
)
async def test_finding_7_a_nul_in_search_text_or_glob_is_a_400(
    client: httpx.AsyncClient, project: Path, params: dict[str, str], detail: str
) -> None:
    response = await client.get("/api/search", params=params)
    assert response.status_code == 400, response.text
    assert detail in response.json()["detail"]


# ---- fuzzy file finder -----------------------------------------------------------------


async def _find(client: httpx.AsyncClient, q: str, **params: object) -> list[str]:
    response = await client.get("/api/search/files", params={"q": q, **params})  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    return [r["path"] for r in results]


async def test_finder_prefers_file_name_matches(client: httpx.AsyncClient, workspace: Path) -> None:
    for rel in (
        "src/config.py",
        "src/conference/speakers/readme.md",
        "docs/README.md",
        "web/components/Button.tsx",
        "web/buttons/index.ts",
        "a/b/c/d/e/util.py",
    ):
        (workspace / rel).parent.mkdir(parents=True, exist_ok=True)
        (workspace / rel).write_text("x")
    assert (await _find(client, "conf"))[0] == "src/config.py"
    assert (await _find(client, "readme"))[:2] == [
        "docs/README.md",
        "src/conference/speakers/readme.md",
    ]
    assert (await _find(client, "button"))[0] == "web/components/Button.tsx"
    assert (await _find(client, "util"))[0] == "a/b/c/d/e/util.py"
    assert (await _find(client, "web/idx"))[0] == "web/buttons/index.ts"
    assert await _find(client, "zzzzqqq") == []


async def test_finder_honours_gitignore_and_max(client: httpx.AsyncClient, project: Path) -> None:
    found = await _find(client, "py", max=50)
    assert "src/app.py" in found and "build/out.py" not in found
    assert not any(path.startswith(".git/") for path in found)
    assert len(await _find(client, "py", max=1)) == 1
    assert len(await _find(client, "")) == len(await _find(client, "", max=1000))


async def test_finder_sees_files_created_through_the_api(
    client: httpx.AsyncClient, workspace: Path
) -> None:
    (workspace / "old.txt").write_text("x")
    assert await _find(client, "brandnew") == []
    response = await client.put(
        "/api/files/content", params={"path": "brandnew.py"}, json={"content": "", "etag": None}
    )
    assert response.status_code == 201
    assert await _find(client, "brandnew") == ["brandnew.py"]
    await client.post("/api/files/move", json={"from": "brandnew.py", "to": "renamed.py"})
    assert await _find(client, "brandnew") == []
    await client.delete("/api/files", params={"path": "renamed.py"})
    assert await _find(client, "renamed") == []


async def test_finder_sees_files_created_by_other_programs(
    client: httpx.AsyncClient, workspace: Path
) -> None:
    assert await _find(client, "outsider") == []
    (workspace / "outsider.rs").write_text("fn main() {}\n")
    for _ in range(100):  # the watcher invalidates the cached list
        if await _find(client, "outsider") == ["outsider.rs"]:
            break
        await asyncio.sleep(0.05)
    assert await _find(client, "outsider") == ["outsider.rs"]


@pytest.mark.parametrize("params", [{"max": 0}, {"max": 5000}, {"max": "x"}])
async def test_finder_bad_params(client: httpx.AsyncClient, params: dict[str, object]) -> None:
    response = await client.get("/api/search/files", params={"q": "a", **params})  # type: ignore[arg-type]
    assert response.status_code == 422 and response.json()["detail"]
