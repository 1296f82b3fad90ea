"""The authorizer is asked on every route and Socket.IO handler (issue 10, item 6): a policy
that refuses an action gives 403 with a JSON detail, without running the route."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from pairpad.app import PairpadApp
from pairpad.auth.authorizer import Action, Resource
from pairpad.auth.identity import Identity
from pairpad.auth.middleware import PUBLIC_PATHS
from pairpad.realtime.handlers.chat import register_chat_handlers


class Refusing:
    """A policy that refuses the listed (action, resource) pairs and records every question."""

    def __init__(self, *refused: tuple[str, str]) -> None:
        self.refused = set(refused)
        self.asked: list[tuple[str, str, str]] = []

    def is_allowed(self, identity: Identity, action: Action, resource: Resource) -> bool:
        self.asked.append((identity.user_id, action, resource))
        return (action, resource) not in self.refused


def _permission(route: APIRoute) -> tuple[str, str] | None:
    """From the `authorized` dependency, or the `authorize` wrapper of a hot route."""
    endpoint: Any = route.endpoint
    if hasattr(endpoint, "action"):
        return endpoint.action, endpoint.resource
    for dependency in route.dependant.dependencies:
        call: Any = dependency.call
        if hasattr(call, "action"):
            return call.action, call.resource
    return None


def test_every_api_route_declares_an_action_on_a_resource(app: PairpadApp) -> None:
    routes = [r for r in app.fastapi.routes
              if isinstance(r, APIRoute) and r.path.startswith("/api/")]
    # The health probes are public (no caller, so no action to authorize).
    undeclared = [r.path for r in routes if _permission(r) is None and r.path not in PUBLIC_PATHS]
    assert len(routes) > 30 and undeclared == []
    writes = {(r.path, m) for r in routes for m in r.methods
              if _permission(r) == ("write", "files")}
    assert ("/api/files/content", "PUT") in writes and ("/api/files", "DELETE") in writes
    assert _permission(next(r for r in routes if r.path == "/api/models/roles")) == (
        "admin", "models")


async def test_a_refused_write_is_403_with_a_detail_and_changes_nothing(
    app: PairpadApp, client: httpx.AsyncClient, workspace: Path
) -> None:
    policy = Refusing(("write", "files"))
    app.services.authorizer = policy
    response = await client.put("/api/files/content", params={"path": "a.txt"},
                                json={"content": "x", "etag": None})
    assert response.status_code == 403
    assert response.json() == {"detail": "Not allowed: write on files."}
    assert not (workspace / "a.txt").exists()
    assert (await client.post("/api/files/dir", json={"path": "d"})).status_code == 403
    # Reading is another action: still allowed, and asked about.
    assert (await client.get("/api/files/tree")).status_code == 200
    assert ("local", "read", "files") in policy.asked
    assert ("local", "write", "files") in policy.asked


async def test_refused_reads_on_the_hot_routes_are_403_without_reading(
    app: PairpadApp, client: httpx.AsyncClient, workspace: Path
) -> None:
    """File reads and search check inside the endpoint (no dependency, for speed): the same
    403, before any work."""
    (workspace / "a.txt").write_text("secret plans\n")
    app.services.authorizer = Refusing(("read", "files"), ("read", "search"))
    for path, params in [("/api/files/content", {"path": "a.txt"}), ("/api/files/tree", {}),
                         ("/api/search", {"q": "plans"}), ("/api/search/files", {"q": "a"})]:
        response = await client.get(path, params=params)
        assert response.status_code == 403, path
        assert "secret plans" not in response.text
        assert response.json()["detail"].startswith("Not allowed: read on ")


async def test_the_default_local_policy_is_asked_and_allows_the_owner(
    app: PairpadApp, client: httpx.AsyncClient
) -> None:
    policy = Refusing()
    app.services.authorizer = policy
    assert (await client.put("/api/settings", json={"values": {"editor.fontSize": 15}})
            ).status_code == 200
    assert (await client.get("/api/models", params={"probe": "false"})).status_code == 200
    assert policy.asked == [("local", "write", "settings"), ("local", "read", "models")]


async def test_an_admin_action_can_be_refused_alone(
    app: PairpadApp, client: httpx.AsyncClient
) -> None:
    app.services.authorizer = Refusing(("admin", "models"))
    response = await client.put("/api/models/roles", json={"roles": {}})
    assert response.status_code == 403 and "admin on models" in response.json()["detail"]
    assert (await client.get("/api/models", params={"probe": "false"})).status_code == 200


class FakeSio:
    def __init__(self, identity: Identity) -> None:
        self.handlers: dict[str, Any] = {}
        self.identity = identity

    def on(self, name: str, handler: Any) -> None:
        self.handlers[name] = handler

    async def get_session(self, sid: str) -> dict[str, Any]:
        return {"identity": self.identity}


@pytest.mark.parametrize(("event", "action"), [
    ("chat:join", "read"), ("chat:send", "write"), ("chat:retry", "write"),
    ("chat:cancel", "write")])
async def test_socket_handlers_ask_the_authorizer(
    app: PairpadApp, event: str, action: str
) -> None:
    sio = FakeSio(Identity("local", "socket-auth"))
    policy = Refusing((action, "chat"))
    register_chat_handlers(sio, app.services.ai.chat, policy)  # type: ignore[arg-type]
    ack = await sio.handlers[event]("sid1", {"conversation_id": "c1", "text": "hi"})
    assert ack == {"error": f"Not allowed: {action} on chat.", "status": 403}
    assert policy.asked == [("local", action, "chat")]
