"""/api/files/*: every route, every error path, and the disk unchanged after each error."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import httpx
import pytest

from pairpad.config import Settings
from pairpad.workspace.text import etag_of


def snapshot(root: Path) -> dict[str, object]:
    """Everything under root (links not followed): path → bytes, 'dir' or ('link', target)."""
    state: dict[str, object] = {}
    for directory, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(directory, name)
            rel = str(path.relative_to(root))
            if path.is_symlink():
                state[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                state[rel] = "dir"
            else:
                state[rel] = (path.read_bytes(), path.stat().st_mode)
    return state


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A sibling of the workspace sharing its name prefix, with a secret in it."""
    evil = tmp_path / "ws-evil"
    evil.mkdir()
    (evil / "secret.txt").write_text("top secret\n")
    return evil


@pytest.fixture
def tree(workspace: Path, outside: Path) -> Path:
    (workspace / "src" / "pkg").mkdir(parents=True)
    (workspace / "src" / "main.py").write_text("print('hi')\n")
    (workspace / "README.md").write_text("# Demo\n")
    (workspace / "b.txt").write_text("b\n")
    (workspace / "Apple.txt").write_text("a\n")
    (workspace / "zeta").mkdir()
    (workspace / ".gitignore").write_text("*.log\nbuild/\n")
    (workspace / "debug.log").write_text("noise\n")
    (workspace / "build").mkdir()
    (workspace / ".git" / "info").mkdir(parents=True)
    (workspace / ".git" / "info" / "exclude").write_text("private.txt\n")
    (workspace / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (workspace / "private.txt").write_text("mine\n")
    (workspace / "to-outside").symlink_to(outside)
    (workspace / "secret-link").symlink_to(outside / "secret.txt")
    (workspace / "to-src").symlink_to(workspace / "src")
    (workspace / "dangling").symlink_to(workspace / "nowhere.txt")
    (workspace / "loop").symlink_to(workspace / "loop")
    return workspace


def assert_error(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    return body


# ---- tree ------------------------------------------------------------------------------


async def test_tree_lists_one_level_dirs_first_case_insensitive(
    client: httpx.AsyncClient, tree: Path
) -> None:
    response = await client.get("/api/files/tree")
    assert response.status_code == 200
    body = response.json()
    assert body["path"] == ""
    names = [entry["name"] for entry in body["entries"]]
    assert ".git" not in names
    assert names == [
        "build",
        "src",
        "to-src",
        "zeta",  # directories (and links to them) first
        ".gitignore",
        "Apple.txt",
        "b.txt",
        "dangling",
        "debug.log",
        "loop",
        "private.txt",
        "README.md",
        "secret-link",
        "to-outside",
    ]
    entries = {entry["name"]: entry for entry in body["entries"]}
    assert entries["src"]["type"] == "dir" and entries["src"]["path"] == "src"
    assert entries["b.txt"] == {
        "name": "b.txt",
        "path": "b.txt",
        "type": "file",
        "size": 2,
        "mtime": pytest.approx((tree / "b.txt").stat().st_mtime),
        "ignored": False,
        "secret": False,
        "target_type": None,
    }
    assert entries["debug.log"]["ignored"] and entries["build"]["ignored"]
    assert entries["private.txt"]["ignored"]  # .git/info/exclude
    assert not entries["README.md"]["ignored"]
    assert entries["to-src"]["type"] == "symlink" and entries["to-src"]["target_type"] == "dir"
    assert entries["to-outside"]["type"] == "symlink"
    assert entries["to-outside"]["target_type"] is None  # listed, but cannot be followed
    assert entries["dangling"]["target_type"] is None


async def test_tree_of_a_subdirectory_and_through_an_inside_link(
    client: httpx.AsyncClient, tree: Path
) -> None:
    (tree / "src" / "pkg" / ".gitignore").write_text("gen/\n")
    (tree / "src" / "pkg" / "gen").mkdir()
    body = (await client.get("/api/files/tree", params={"path": "src"})).json()
    assert [(e["name"], e["path"]) for e in body["entries"]] == [
        ("pkg", "src/pkg"),
        ("main.py", "src/main.py"),
    ]
    nested = (await client.get("/api/files/tree", params={"path": "src/pkg"})).json()
    assert nested["entries"][0]["name"] == "gen" and nested["entries"][0]["ignored"]
    linked = (await client.get("/api/files/tree", params={"path": "to-src"})).json()
    assert [e["path"] for e in linked["entries"]] == ["to-src/pkg", "to-src/main.py"]


async def test_tree_in_a_folder_that_is_not_a_git_repository(
    client: httpx.AsyncClient, workspace: Path
) -> None:
    (workspace / ".gitignore").write_text("dist/\n")
    (workspace / "dist").mkdir()
    body = (await client.get("/api/files/tree")).json()
    assert {e["name"]: e["ignored"] for e in body["entries"]} == {"dist": True, ".gitignore": False}


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("missing", 404),
        ("b.txt", 400),
        ("to-outside", 403),
        ("../ws-evil", 403),
        ("loop", 403),
        ("/etc", 403),
    ],
)
async def test_tree_errors(client: httpx.AsyncClient, tree: Path, path: str, status: int) -> None:
    assert_error(await client.get("/api/files/tree", params={"path": path}), status)


# ---- read ------------------------------------------------------------------------------


async def test_read_returns_content_and_metadata(client: httpx.AsyncClient, tree: Path) -> None:
    response = await client.get("/api/files/content", params={"path": "src/main.py"})
    assert response.status_code == 200
    assert response.json() == {
        "path": "src/main.py",
        "content": "print('hi')\n",
        "etag": etag_of(b"print('hi')\n"),
        "encoding": "utf-8",
        "eol": "lf",
        "language": "python",
        "size": 12,
    }


@pytest.mark.parametrize(
    ("raw", "encoding", "eol", "content"),
    [
        (b"a\r\nb\r\n", "utf-8", "crlf", "a\r\nb\r\n"),
        (b"\xef\xbb\xbfbom\n", "utf-8-sig", "lf", "bom\n"),
        (b"caf\xe9\rold mac\r", "latin-1", "cr", "café\rold mac\r"),
    ],
)
async def test_read_detects_encoding_and_eol(
    client: httpx.AsyncClient, workspace: Path, raw: bytes, encoding: str, eol: str, content: str
) -> None:
    (workspace / "f.txt").write_bytes(raw)
    body = (await client.get("/api/files/content", params={"path": "f.txt"})).json()
    assert (body["encoding"], body["eol"], body["content"]) == (encoding, eol, content)
    assert body["etag"] == etag_of(raw)


async def test_read_errors(client: httpx.AsyncClient, tree: Path, settings: Settings) -> None:
    (tree / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tree / "big.txt").write_bytes(b"x" * (settings.max_file_size + 1))
    os.mkfifo(tree / "pipe")
    cases = {
        "image.png": 415,
        "big.txt": 413,
        "missing.txt": 404,
        "src": 400,
        "pipe": 400,
        "secret-link": 403,
        "to-outside/secret.txt": 403,
        "../ws-evil/secret.txt": 403,
        "dangling": 404,
        "loop": 403,
        "": 400,
        "b.txt/x": 404,
    }
    for path, status in cases.items():
        body = assert_error(await client.get("/api/files/content", params={"path": path}), status)
        assert "top secret" not in str(body)


async def test_read_requires_a_path(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/api/files/content"), 422)


# ---- save ------------------------------------------------------------------------------


async def _read(client: httpx.AsyncClient, path: str) -> dict[str, str]:
    response = await client.get("/api/files/content", params={"path": path})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_save_with_the_read_etag_replaces_the_file(
    client: httpx.AsyncClient, tree: Path
) -> None:
    before = await _read(client, "src/main.py")
    response = await client.put(
        "/api/files/content",
        params={"path": "src/main.py"},
        json={"content": "print('bye')\n", "etag": before["etag"]},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["etag"] == etag_of(b"print('bye')\n") != before["etag"]
    assert body["content"] == "print('bye')\n" and body["language"] == "python"
    assert (tree / "src" / "main.py").read_bytes() == b"print('bye')\n"
    assert await _read(client, "src/main.py") == body


@pytest.mark.parametrize(
    ("raw", "sent", "written"),
    [
        (b"one\r\ntwo\r\n", "one\ntwo\nthree\n", b"one\r\ntwo\r\nthree\r\n"),  # CRLF kept
        (b"\xef\xbb\xbfbom\n", "bom\nmore\n", b"\xef\xbb\xbfbom\nmore\n"),  # BOM kept
        (b"caf\xe9\n", "caf\xe9 cr\xe8me\n", b"caf\xe9 cr\xe8me\n"),  # Latin-1 kept
        (b"h\xc3\xa9\n", "h\xe9 \U0001f600\n", "h\xe9 \U0001f600\n".encode()),  # UTF-8
        (b"mac\rline\r", "mac\nline\nnew\n", b"mac\rline\rnew\r"),  # CR kept
        (b"no newline", "now\r\nwith\r\n", b"now\r\nwith\r\n"),  # nothing to preserve
    ],
)
async def test_save_preserves_encoding_and_line_endings(
    client: httpx.AsyncClient, workspace: Path, raw: bytes, sent: str, written: bytes
) -> None:
    (workspace / "f.txt").write_bytes(raw)
    before = await _read(client, "f.txt")
    response = await client.put(
        "/api/files/content",
        params={"path": "f.txt"},
        json={"content": sent, "etag": before["etag"]},
    )
    assert response.status_code == 200, response.text
    assert (workspace / "f.txt").read_bytes() == written
    after = await _read(client, "f.txt")
    assert after["encoding"] == before["encoding"]
    assert after["etag"] == response.json()["etag"] == etag_of(written)


async def test_save_can_change_encoding_and_eol_explicitly(
    client: httpx.AsyncClient, workspace: Path
) -> None:
    (workspace / "f.txt").write_bytes(b"caf\xe9\r\n")
    before = await _read(client, "f.txt")
    response = await client.put(
        "/api/files/content",
        params={"path": "f.txt"},
        json={"content": "café €\r\n", "etag": before["etag"], "encoding": "utf-8", "eol": "lf"},
    )
    assert response.status_code == 200
    assert response.json()["encoding"] == "utf-8" and response.json()["eol"] == "lf"
    assert (workspace / "f.txt").read_bytes() == "café €\n".encode()


async def test_save_with_a_stale_etag_is_409_and_changes_nothing(
    client: httpx.AsyncClient, tree: Path
) -> None:
    before = await _read(client, "b.txt")
    (tree / "b.txt").write_text("changed by another program\n")
    state = snapshot(tree)
    response = await client.put(
        "/api/files/content",
        params={"path": "b.txt"},
        json={"content": "mine", "etag": before["etag"]},
    )
    body = assert_error(response, 409)
    assert body["current_etag"] == etag_of(b"changed by another program\n")
    assert snapshot(tree) == state


async def test_save_with_an_etag_for_a_deleted_file_is_409(
    client: httpx.AsyncClient, tree: Path
) -> None:
    before = await _read(client, "b.txt")
    (tree / "b.txt").unlink()
    state = snapshot(tree)
    response = await client.put(
        "/api/files/content",
        params={"path": "b.txt"},
        json={"content": "x", "etag": before["etag"]},
    )
    assert assert_error(response, 409)["current_etag"] is None
    assert snapshot(tree) == state


async def test_create_with_a_null_etag(client: httpx.AsyncClient, tree: Path) -> None:
    response = await client.put(
        "/api/files/content",
        params={"path": "src/new.ts"},
        json={"content": "let x = 1\n", "etag": None},
    )
    assert response.status_code == 201
    assert response.json()["language"] == "typescript"
    assert response.json()["encoding"] == "utf-8" and response.json()["eol"] == "lf"
    assert (tree / "src" / "new.ts").read_text() == "let x = 1\n"


async def test_create_through_an_inside_dangling_link_creates_its_target(
    client: httpx.AsyncClient, tree: Path
) -> None:
    response = await client.put(
        "/api/files/content",
        params={"path": "dangling"},
        json={"content": "now here", "etag": None},
    )
    assert response.status_code == 201
    assert (tree / "nowhere.txt").read_text() == "now here"
    assert (tree / "dangling").is_symlink()


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("b.txt", {"content": "x", "etag": None}, 409),  # exists
        ("src", {"content": "x", "etag": None}, 409),  # a directory exists there
        ("src", {"content": "x", "etag": "abc"}, 400),  # is a directory
        ("no/such/dir/f.txt", {"content": "x", "etag": None}, 404),  # parents are not created
        ("secret-link", {"content": "pwned", "etag": etag_of(b"top secret\n")}, 403),
        ("secret-link", {"content": "pwned", "etag": None}, 403),
        ("to-outside/new.txt", {"content": "pwned", "etag": None}, 403),
        ("to-outside/secret.txt", {"content": "pwned", "etag": etag_of(b"top secret\n")}, 403),
        ("../ws-evil/new.txt", {"content": "pwned", "etag": None}, 403),
        ("%2e%2e/ws-evil/new.txt", {"content": "pwned", "etag": None}, 403),
        ("/tmp/pwned.txt", {"content": "pwned", "etag": None}, 403),
        ("a\x00b.txt", {"content": "x", "etag": None}, 403),
        ("loop", {"content": "x", "etag": None}, 403),
        (".git/hooks/pre-commit", {"content": "#!/bin/sh", "etag": None}, 403),
        ("", {"content": "x", "etag": None}, 400),
        ("n.txt", {"content": "nul\x00byte", "etag": None}, 400),
        ("n.txt", {"content": "€", "etag": None, "encoding": "latin-1"}, 400),
        ("n.txt", {"content": "x", "etag": None, "encoding": "utf-16"}, 422),
        ("n.txt", {"content": "x", "etag": None, "eol": "lfcr"}, 422),
        ("n.txt", {"etag": None}, 422),
        ("n.txt", {"content": "x"}, 422),
    ],
)
async def test_save_errors_change_nothing(
    client: httpx.AsyncClient,
    tree: Path,
    outside: Path,
    path: str,
    body: dict[str, object],
    status: int,
) -> None:
    state, outside_state = snapshot(tree), snapshot(outside)
    response = await client.put("/api/files/content", params={"path": path}, json=body)
    assert_error(response, status)
    assert snapshot(tree) == state
    assert snapshot(outside) == outside_state
    assert not Path("/tmp/pwned.txt").exists()


async def test_save_larger_than_the_limit_is_413(
    client: httpx.AsyncClient, tree: Path, settings: Settings
) -> None:
    state = snapshot(tree)
    response = await client.put(
        "/api/files/content",
        params={"path": "huge.txt"},
        json={"content": "x" * (settings.max_file_size + 1), "etag": None},
    )
    assert_error(response, 413)
    assert snapshot(tree) == state


# ---- move, delete, mkdir -----------------------------------------------------------------


async def test_move_renames_files_and_directories(client: httpx.AsyncClient, tree: Path) -> None:
    response = await client.post("/api/files/move", json={"from": "b.txt", "to": "zeta/b2.txt"})
    assert response.status_code == 200
    assert response.json() == {"from": "b.txt", "to": "zeta/b2.txt"}
    assert (tree / "zeta" / "b2.txt").read_text() == "b\n" and not (tree / "b.txt").exists()
    response = await client.post("/api/files/move", json={"from": "src", "to": "lib"})
    assert response.status_code == 200
    assert (tree / "lib" / "main.py").exists() and not (tree / "src").exists()


async def test_move_a_link_moves_the_link_not_its_target(
    client: httpx.AsyncClient, tree: Path, outside: Path
) -> None:
    response = await client.post("/api/files/move", json={"from": "to-outside", "to": "renamed"})
    assert response.status_code == 200
    assert (tree / "renamed").is_symlink()
    assert (outside / "secret.txt").read_text() == "top secret\n"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"from": "missing", "to": "x"}, 404),
        ({"from": "b.txt", "to": "Apple.txt"}, 409),
        ({"from": "b.txt", "to": "zeta"}, 409),
        ({"from": "b.txt", "to": "nope/b.txt"}, 404),
        ({"from": "src", "to": "src/pkg/src"}, 400),
        ({"from": "b.txt", "to": "../ws-evil/b.txt"}, 403),
        ({"from": "b.txt", "to": "to-outside/b.txt"}, 403),
        ({"from": "../ws-evil/secret.txt", "to": "stolen.txt"}, 403),
        ({"from": "to-outside/secret.txt", "to": "stolen.txt"}, 403),
        ({"from": "b.txt", "to": "/tmp/b.txt"}, 403),
        ({"from": "", "to": "x"}, 422),
        ({"from": ".", "to": "x"}, 403),
        ({"from": "b.txt", "to": "."}, 403),
        ({"from": "b.txt", "to": ".git/b.txt"}, 403),
        ({"from": "b.txt"}, 422),
    ],
)
async def test_move_errors_change_nothing(
    client: httpx.AsyncClient, tree: Path, outside: Path, body: dict[str, str], status: int
) -> None:
    state, outside_state = snapshot(tree), snapshot(outside)
    assert_error(await client.post("/api/files/move", json=body), status)
    assert snapshot(tree) == state
    assert snapshot(outside) == outside_state


async def test_delete_files_directories_and_links(
    client: httpx.AsyncClient, tree: Path, outside: Path
) -> None:
    for path in ("b.txt", "src", "to-outside", "secret-link", "dangling", "loop"):
        response = await client.delete("/api/files", params={"path": path})
        assert response.status_code == 200, response.text
        assert response.json() == {"path": path}
        assert not os.path.lexists(tree / path)
    assert (outside / "secret.txt").read_text() == "top secret\n"  # link targets survive


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("", 403),
        (".", 403),
        ("./", 403),
        ("missing", 404),
        ("../ws-evil", 403),
        ("../ws-evil/secret.txt", 403),
        ("to-outside/secret.txt", 403),
        ("/tmp", 403),
        ("%2e%2e", 403),
        (".git", 403),
        ("src\\..\\..", 403),
    ],
)
async def test_delete_errors_change_nothing(
    client: httpx.AsyncClient, tree: Path, outside: Path, path: str, status: int
) -> None:
    state, outside_state = snapshot(tree), snapshot(outside)
    assert_error(await client.delete("/api/files", params={"path": path}), status)
    assert snapshot(tree) == state
    assert snapshot(outside) == outside_state


async def test_mkdir_creates_directories_and_parents(client: httpx.AsyncClient, tree: Path) -> None:
    response = await client.post("/api/files/dir", json={"path": "docs"})
    assert response.status_code == 201 and response.json() == {"path": "docs"}
    response = await client.post("/api/files/dir", json={"path": "a/b/c"})
    assert response.status_code == 201
    assert (tree / "docs").is_dir() and (tree / "a" / "b" / "c").is_dir()


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("src", 409),
        ("b.txt", 409),
        ("dangling", 409),
        (".", 403),
        ("../ws-evil/x", 403),
        ("to-outside/x", 403),
        ("/tmp/x", 403),
        ("b.txt/sub", 404),
        (".git/x", 403),
        ("", 422),
    ],
)
async def test_mkdir_errors_change_nothing(
    client: httpx.AsyncClient, tree: Path, outside: Path, path: str, status: int
) -> None:
    state, outside_state = snapshot(tree), snapshot(outside)
    assert_error(await client.post("/api/files/dir", json={"path": path}), status)
    assert snapshot(tree) == state
    assert snapshot(outside) == outside_state


# ---- confinement through the real query decoding --------------------------------------


@pytest.mark.parametrize(
    "raw_query",
    [
        "path=..%2Fws-evil%2Fsecret.txt",  # decoded once by the framework: ../ws-evil/…
        "path=%2e%2e/ws-evil/secret.txt",
        "path=%252e%252e%252fws-evil%252fsecret.txt",  # double-encoded: %2e%2e%2f remains
        "path=src%2F..%2F..%2Fws-evil%2Fsecret.txt",
        "path=%2Fetc%2Fpasswd",
        "path=src%5C..%5C..%5Cws-evil",
        "path=b.txt%00.png",
    ],
)
async def test_encoded_escapes_are_forbidden(
    client: httpx.AsyncClient, tree: Path, raw_query: str
) -> None:
    response = await client.get(f"/api/files/content?{raw_query}")
    body = assert_error(response, 403)
    assert "top secret" not in str(body)


async def test_file_routes_require_authentication(anonymous: httpx.AsyncClient, tree: Path) -> None:
    state = snapshot(tree)
    assert (await anonymous.get("/api/files/tree")).status_code == 401
    assert (await anonymous.get("/api/files/content", params={"path": "b.txt"})).status_code == 401
    put = await anonymous.put(
        "/api/files/content", params={"path": "b.txt"}, json={"content": "x", "etag": None}
    )
    assert put.status_code == 401
    assert (await anonymous.delete("/api/files", params={"path": "b.txt"})).status_code == 401
    assert snapshot(tree) == state


@pytest.mark.parametrize(
    ("errno_value", "status", "words"),
    [(28, 507, "disk space"), (30, 403, "Read-only"), (5, 500, "error")],  # ENOSPC, EROFS, EIO
)
async def test_disk_errors_on_save_are_json_and_keep_the_file(
    client: httpx.AsyncClient,
    workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    errno_value: int,
    status: int,
    words: str,
) -> None:
    from pairpad.workspace import files as files_module

    (workspace / "a.txt").write_text("old\n")
    etag = (await client.get("/api/files/content", params={"path": "a.txt"})).json()["etag"]

    def failing_write(dir_fd: int, name: str, data: bytes, *, mode: int | None = None) -> None:
        raise OSError(errno_value, os.strerror(errno_value))

    monkeypatch.setattr(files_module, "atomic_write_at", failing_write)
    response = await client.put(
        "/api/files/content", params={"path": "a.txt"}, json={"content": "new\n", "etag": etag}
    )
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert words.lower() in response.json()["detail"].lower()
    assert (workspace / "a.txt").read_text() == "old\n"


# ---- issue 9 ---------------------------------------------------------------------------


async def test_finding_7_mkdir_of_a_2100_level_path_is_a_clear_400(
    client: httpx.AsyncClient, tree: Path
) -> None:
    state = snapshot(tree)
    response = await client.post("/api/files/dir", json={"path": "/".join(["a"] * 2100)})
    assert assert_error(response, 400)["detail"].startswith("Path too")
    response = await client.post("/api/files/dir", json={"path": "/".join(["a"] * 300)})
    assert "too deep" in assert_error(response, 400)["detail"]
    assert snapshot(tree) == state
    # Deep but within the limit: created one level at a time, no recursion.
    response = await client.post("/api/files/dir", json={"path": "/".join(["d"] * 200)})
    assert response.status_code == 201
    assert (tree / Path(*["d"] * 200)).is_dir()


async def test_finding_9_crash_leftovers_are_swept_when_the_server_starts(
    settings: Settings, workspace: Path
) -> None:
    from pairpad.app import create_app
    from pairpad.workspace.temps import STALE_TEMP_SECONDS, new_temp_name

    (workspace / "src").mkdir()
    stale = workspace / "src" / new_temp_name()
    stale.write_bytes(b"half a save")
    old = stale.stat().st_mtime - 2 * STALE_TEMP_SECONDS
    os.utime(stale, (old, old))
    application = create_app(settings)
    async with application.fastapi.router.lifespan_context(application.fastapi):
        for _ in range(200):  # the start-up sweep runs in the background; bounded wait
            if not stale.exists():
                break
            await asyncio.sleep(0.05)
    assert not stale.exists()
