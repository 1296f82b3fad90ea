"""`pairpad serve` on PostgreSQL (real uvicorn, real Socket.IO, real bubblewrap): team
workspaces under `/w/{id}`, each team's users confined to their own, roles enforced."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio
from fastapi.routing import APIRoute

from pairpad.app import build_workspace_api
from pairpad.config import Settings
from pairpad.services import build_services
from tests.support.team_server import RunningTeamServer, register_and_sign_in

NO_WORKSPACE = "No such workspace, or you are not a member of the team that owns it."


def _email(who: str) -> str:
    return f"{who}-{uuid.uuid4().hex[:8]}@example.com"


async def _team_with_workspace(server: RunningTeamServer, token: str,
                               name: str) -> tuple[str, str]:
    async with server.client(token) as client:
        team = await client.post("/api/teams", json={"name": name})
        assert team.status_code in (200, 201), team.text
        team_id = team.json()["id"]
        workspace = await client.post(f"/api/teams/{team_id}/workspaces", json={"name": "app"})
        assert workspace.status_code in (200, 201), workspace.text
        return team_id, workspace.json()["id"]


@pytest.fixture
async def two_teams(team_server: RunningTeamServer) -> dict[str, Any]:
    alice = await register_and_sign_in(team_server, _email("alice"))
    bob = await register_and_sign_in(team_server, _email("bob"))
    team_a, ws_a = await _team_with_workspace(team_server, alice, "A")
    team_b, ws_b = await _team_with_workspace(team_server, bob, "B")
    return {"alice": alice, "bob": bob, "team_a": team_a, "ws_a": ws_a, "team_b": team_b,
            "ws_b": ws_b}


async def test_a_member_edits_files_of_the_team_workspace_on_disk(
    team_server: RunningTeamServer, two_teams: dict[str, Any]
) -> None:
    ws = two_teams["ws_a"]
    async with team_server.client(two_teams["alice"]) as client:
        saved = await client.put(f"/w/{ws}/api/files/content", params={"path": "hello.py"},
                                 json={"content": "print('hi')\n", "etag": None})
        assert saved.status_code == 201, saved.text
        tree = await client.get(f"/w/{ws}/api/files/tree")
        assert [entry["name"] for entry in tree.json()["entries"]] == ["hello.py"]
        info = (await client.get(f"/w/{ws}/api/workspace")).json()
        assert info["name"] == info["root"] == "app"  # its name; the server's path stays hidden
        # Nothing a member writes runs unsandboxed as the server: no git hooks, and no
        # language servers unless the operator turns them on (--language-servers).
        hooks = await client.post(f"/w/{ws}/api/git/commit",
                                  json={"message": "x", "run_hooks": True})
        assert hooks.status_code == 403 and "hooks" in hooks.json()["detail"]
        assert (await client.get(f"/w/{ws}/api/lsp/status")).json() == {"servers": []}
        page = await client.get(f"/w/{ws}", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == f"/w/{ws}/"
    written = list(team_server.workspaces.glob("*/hello.py"))
    assert len(written) == 1 and written[0].read_text() == "print('hi')\n"


async def test_every_workspace_route_is_404_to_another_team_and_401_to_nobody(
    team_server: RunningTeamServer, two_teams: dict[str, Any]
) -> None:
    """Enumerates the workspace API from its own OpenAPI document, so a new route is in it."""
    ws_a, ws_b = two_teams["ws_a"], two_teams["ws_b"]
    async with team_server.client(two_teams["alice"]) as alice, team_server.client() as nobody:
        document = (await alice.get(f"/w/{ws_a}/api/openapi.json")).json()
        operations = [(method.upper(), path.replace("{", "").replace("}", ""))
                      for path, item in document["paths"].items() for method in item]
        assert len(operations) > 60
        for method, path in operations:
            foreign = await alice.request(method, f"/w/{ws_b}{path}", json={})
            assert (foreign.status_code, foreign.json()) == (404, {"detail": NO_WORKSPACE}), (
                method, path)
            anonymous = await nobody.request(method, f"/w/{ws_b}{path}", json={})
            assert anonymous.status_code == 401, (method, path)
        unknown = await alice.get(f"/w/{uuid.uuid4().hex}/api/files/tree")
        assert (unknown.status_code, unknown.json()) == (404, {"detail": NO_WORKSPACE})
        forged = await nobody.get(f"/w/{ws_a}/api/files/tree",
                                  headers={"Authorization": "Bearer not.a.jwt"})
        assert forged.status_code == 401


def _permissions(tmp_path: Path) -> list[tuple[str, str, str, str]]:
    """(method, path, action, resource) of every workspace route, from the app itself."""
    settings = Settings(workspace=tmp_path, data_dir=tmp_path / "data")
    api = build_workspace_api(build_services(settings, "t"))
    found = []
    for route in api.routes:
        if not isinstance(route, APIRoute) or not route.path.startswith("/api/"):
            continue
        endpoint: Any = route.endpoint
        checks = [endpoint, *(dep.call for dep in route.dependant.dependencies)]
        declared = next((c for c in checks if hasattr(c, "action")), None)
        if declared is None:
            continue
        for method in route.methods:
            found.append((method, route.path, declared.action, declared.resource))
    return found


async def test_a_viewer_reads_but_cannot_write_run_or_administer_anything(
    team_server: RunningTeamServer, two_teams: dict[str, Any], tmp_path: Path
) -> None:
    viewer_email = _email("viewer")
    viewer = await register_and_sign_in(team_server, viewer_email)
    team_b, ws_b = two_teams["team_b"], two_teams["ws_b"]
    async with team_server.client(two_teams["bob"]) as bob:
        added = await bob.post(f"/api/teams/{team_b}/members",
                               json={"email": viewer_email, "role": "viewer"})
        assert added.status_code in (200, 201), added.text
        await bob.put(f"/w/{ws_b}/api/files/content", params={"path": "keep.txt"},
                      json={"content": "original\n", "etag": None})
    refused = [(m, p) for m, p, action, _resource in _permissions(tmp_path)
               if action != "read"]
    assert ("PUT", "/api/files/content") in refused and ("POST", "/api/run") in refused
    async with team_server.client(viewer) as client:
        assert (await client.get(f"/w/{ws_b}/api/files/tree")).status_code == 200
        for method, path in refused:
            body: dict[str, Any] = {}
            if path == "/api/complete":
                body = {"prefix": "x", "suffix": "", "path": "a.py", "language": "python",
                        "cursor": {"line": 1, "column": 2}}
            concrete = path.replace("{", "").replace("}", "")
            response = await client.request(method, f"/w/{ws_b}{concrete}", json=body,
                                            params={"path": "keep.txt"})
            assert response.status_code == 403, (method, path, response.text)
    kept = list(team_server.workspaces.glob("*/keep.txt"))
    assert [path.read_text() for path in kept] == ["original\n"]


async def test_model_keys_are_set_by_team_admins_only_and_never_read_back(
    team_server: RunningTeamServer, two_teams: dict[str, Any]
) -> None:
    member_email = _email("member")
    member = await register_and_sign_in(team_server, member_email)
    team_a, ws_a = two_teams["team_a"], two_teams["ws_a"]
    key = "sk-team-a-" + uuid.uuid4().hex
    provider = {"kind": "openai_compat", "base_url": "http://127.0.0.1:9/v1", "api_key": key}
    async with team_server.client(two_teams["alice"]) as owner, \
            team_server.client(member) as client:
        added = await owner.post(f"/api/teams/{team_a}/members",
                                 json={"email": member_email, "role": "member"})
        assert added.status_code in (200, 201), added.text
        denied = await client.put(f"/w/{ws_a}/api/models/providers/shared", json=provider)
        assert denied.status_code == 403
        stored = await owner.put(f"/w/{ws_a}/api/models/providers/shared", json=provider)
        assert stored.status_code == 200, stored.text
        for reader in (owner, client):
            listing = await reader.get(f"/w/{ws_a}/api/models")
            assert listing.status_code == 200 and "shared" in listing.text
            assert key not in listing.text
    async with team_server.client(two_teams["bob"]) as bob:
        other = await bob.get(f"/w/{two_teams['ws_b']}/api/models")
        assert "shared" not in other.text  # team B does not see team A's provider


async def _socket(server: RunningTeamServer, token: str, workspace_id: str,
                  events: list[tuple[str, Any]]) -> socketio.AsyncClient:
    client = socketio.AsyncClient(reconnection=False)

    async def record(data: Any) -> None:
        events.append(("fs:changed", data))

    client.on("fs:changed", record, namespace=f"/w/{workspace_id}")
    await client.connect(server.base_url, namespaces=[f"/w/{workspace_id}"],
                         auth={"token": token}, transports=["websocket"], wait_timeout=10)
    return client


async def test_sockets_join_only_their_team_workspace_and_get_its_pushes(
    team_server: RunningTeamServer, two_teams: dict[str, Any]
) -> None:
    ws_a, ws_b = two_teams["ws_a"], two_teams["ws_b"]
    with pytest.raises(socketio.exceptions.ConnectionError):
        await _socket(team_server, two_teams["alice"], ws_b, [])
    with pytest.raises(socketio.exceptions.ConnectionError):
        await _socket(team_server, "forged", ws_a, [])
    seen_a: list[tuple[str, Any]] = []
    seen_b: list[tuple[str, Any]] = []
    alice = await _socket(team_server, two_teams["alice"], ws_a, seen_a)
    bob = await _socket(team_server, two_teams["bob"], ws_b, seen_b)
    try:
        opened = await alice.call("term:open", {"cols": 80, "rows": 24},
                                  namespace=f"/w/{ws_a}", timeout=10)
        assert opened.get("status") == 403, opened  # no unsandboxed shell in team mode
        async with team_server.client(two_teams["alice"]) as client:
            await client.put(f"/w/{ws_a}/api/files/content", params={"path": "pushed.txt"},
                             json={"content": "x", "etag": None})
        for _ in range(100):
            if any("pushed.txt" in str(data) for _name, data in seen_a):
                break
            await asyncio.sleep(0.05)
        assert any("pushed.txt" in str(data) for _name, data in seen_a)
        assert not any("pushed.txt" in str(data) for _name, data in seen_b)
    finally:
        await alice.disconnect()
        await bob.disconnect()


async def test_a_sandboxed_command_sees_only_its_own_workspace(
    team_server: RunningTeamServer, two_teams: dict[str, Any]
) -> None:
    ws_a, ws_b = two_teams["ws_a"], two_teams["ws_b"]
    async with team_server.client(two_teams["bob"]) as bob:
        await bob.put(f"/w/{ws_b}/api/files/content", params={"path": "b-secret.txt"},
                      json={"content": "team B only\n", "etag": None})
    b_files = list(team_server.workspaces.glob("*/b-secret.txt"))
    assert len(b_files) == 1
    async with team_server.client(two_teams["alice"]) as alice:
        listed = await alice.post(f"/w/{ws_a}/api/run",
                                  json={"argv": ["ls", "-a", str(team_server.workspaces)]})
        assert listed.status_code == 200, listed.text
        result = listed.json()
        assert result["sandbox"] == "bubblewrap"
        assert b_files[0].parent.name not in result["stdout"]
        read = await alice.post(f"/w/{ws_a}/api/run", json={"argv": ["cat", str(b_files[0])]})
        assert read.json()["exit_code"] != 0 and "team B only" not in read.json()["stdout"]


async def test_bad_credentials_and_foreign_origins_are_refused(
    team_server: RunningTeamServer, two_teams: dict[str, Any]
) -> None:
    ws = two_teams["ws_a"]
    async with httpx.AsyncClient(base_url=team_server.base_url) as client:
        cross = await client.post("/api/auth/login", headers={"Origin": "https://evil.example"},
                                  json={"email": "a@example.com", "password": "x" * 12})
        assert cross.status_code == 403
        rebinding = await client.get("/api/health", headers={"Host": "evil.example"})
        assert rebinding.status_code == 403
        page = await client.get(f"/w/{ws}/", follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"] == f"/signin?next=/w/{ws}/"


@pytest.mark.parametrize(("args", "message"), [
    (["--workspaces", "/tmp/x"], "--database-url and --workspaces are required"),
    (["--database-url", "mysql://u@h/db", "--workspaces", "/tmp/x"], "unsupported database"),
    (["--database-url", "not a url", "--workspaces", "/tmp/x"], "--database-url"),
])
def test_serve_refuses_missing_or_unusable_settings_with_exit_2(
    args: list[str], message: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAIRPAD_")}
    done = subprocess.run([sys.executable, "-m", "pairpad", "serve", *args], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and message in done.stderr, done.stderr
