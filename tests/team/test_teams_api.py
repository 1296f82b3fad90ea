"""The team routes (api/teams.py) over HTTP, on SQLite and PostgreSQL: shapes of the
contract, the status of every refusal (404 to non-members, 403 to members without the
right, 401 without a user), invitation links end to end and team workspaces."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from pairpad.accounts.settings import TeamSettings
from pairpad.accounts.teams import TeamService
from pairpad.api.teams import router
from pairpad.auth.identity import Identity
from pairpad.errors import PairpadError
from pairpad.storage.db import Database
from tests.support.team_db import DATABASES, make_user, migrated_database, unique_email

USER_HEADER = "x-test-user"
PUBLIC_URL = "https://pairpad.example.com/"

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class HeaderIdentity:
    """Stands in for the team app's security middleware: the user named by a test header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name.decode() == USER_HEADER:
                    state = scope.setdefault("state", {})
                    state["identity"] = Identity(value.decode(), "bearer")
        await self.app(scope, receive, send)


def build_app(teams: TeamService, settings: TeamSettings) -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    app.state.team = SimpleNamespace(teams=teams, settings=settings)

    @app.exception_handler(PairpadError)
    async def domain_error(_request: Request, error: PairpadError) -> JSONResponse:
        return JSONResponse({"detail": error.detail}, status_code=error.status_code)

    app.add_middleware(HeaderIdentity)
    return app


@pytest.fixture(params=DATABASES)
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    async with migrated_database(request, request.param, tmp_path) as database:
        yield database


@pytest.fixture
def settings(db: Database, tmp_path: Path) -> TeamSettings:
    return TeamSettings(database_url=db.url, workspaces_dir=tmp_path / "workspaces",
                        public_url=PUBLIC_URL)


@pytest.fixture
async def http(db: Database, settings: TeamSettings) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(TeamService(db, settings), settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://testserver") as client:
        yield client


def as_user(user_id: str) -> dict[str, str]:
    return {USER_HEADER: user_id}


class Crew:
    def __init__(self, team_id: str, emails: dict[str, str], **users: str) -> None:
        self.team_id = team_id
        self.emails = emails
        self.owner, self.admin = users["owner"], users["admin"]
        self.member, self.viewer = users["member"], users["viewer"]
        self.outsider = users["outsider"]


@pytest.fixture
async def crew(db: Database, http: httpx.AsyncClient) -> Crew:
    emails = {role: unique_email(role) for role in ("owner", "admin", "member", "viewer",
                                                    "outsider")}
    users = {role: await make_user(db, email, display_name=role.title())
             for role, email in emails.items()}
    made = await http.post("/api/teams", json={"name": "Core"}, headers=as_user(users["owner"]))
    assert made.status_code == 201, made.text
    team_id = made.json()["id"]
    assert made.json() == {"id": team_id, "name": "Core", "role": "owner"}
    for role in ("admin", "member", "viewer"):
        added = await http.post(f"/api/teams/{team_id}/members",
                                json={"email": emails[role], "role": role},
                                headers=as_user(users["owner"]))
        assert added.status_code == 201, added.text
    return Crew(team_id, emails, **users)


async def test_without_a_user_every_route_but_the_invitation_preview_is_401(
    http: httpx.AsyncClient, crew: Crew
) -> None:
    t = crew.team_id
    calls = [("GET", "/api/teams"), ("POST", "/api/teams"), ("GET", f"/api/teams/{t}"),
             ("GET", f"/api/teams/{t}/members"), ("POST", f"/api/teams/{t}/members"),
             ("PATCH", f"/api/teams/{t}/members/{crew.member}"),
             ("DELETE", f"/api/teams/{t}/members/{crew.member}"),
             ("POST", f"/api/teams/{t}/invitations"), ("GET", f"/api/teams/{t}/invitations"),
             ("DELETE", f"/api/teams/{t}/invitations/{'0' * 32}"),
             ("POST", f"/api/teams/invitations/{'x' * 43}/accept"),
             ("GET", f"/api/teams/{t}/workspaces"), ("POST", f"/api/teams/{t}/workspaces"),
             ("DELETE", f"/api/teams/{t}/workspaces/{'0' * 32}")]
    for method, url in calls:
        answer = await http.request(method, url, json={})
        assert answer.status_code == 401, (method, url, answer.text)
        assert answer.json()["detail"].startswith("Not signed in")
    assert len(calls) == len([r for r in router.routes]) - 1  # all but the public preview


async def test_teams_list_detail_and_members(http: httpx.AsyncClient, crew: Crew) -> None:
    listed = await http.get("/api/teams", headers=as_user(crew.viewer))
    assert listed.json() == {"teams": [{"id": crew.team_id, "name": "Core", "role": "viewer"}]}
    assert (await http.get("/api/teams", headers=as_user(crew.outsider))).json() == {
        "teams": []}
    detail = (await http.get(f"/api/teams/{crew.team_id}", headers=as_user(crew.member))).json()
    assert {k: detail[k] for k in ("id", "name", "role", "member_count",
                                    "workspace_count")} == {
        "id": crew.team_id, "name": "Core", "role": "member", "member_count": 4,
        "workspace_count": 0}
    members = (await http.get(f"/api/teams/{crew.team_id}/members",
                              headers=as_user(crew.viewer))).json()["members"]
    assert sorted((m["role"], m["email"], m["display_name"]) for m in members) == sorted(
        (role, crew.emails[role], role.title()) for role in ("owner", "admin", "member",
                                                              "viewer"))
    assert set(members[0]) == {"user_id", "email", "display_name", "role", "joined_at"}


async def test_a_non_member_gets_404_everywhere(http: httpx.AsyncClient, crew: Crew) -> None:
    t, me = crew.team_id, as_user(crew.outsider)
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", f"/api/teams/{t}", {}), ("GET", f"/api/teams/{t}/members", {}),
        ("POST", f"/api/teams/{t}/members", {"email": crew.emails["viewer"], "role": "viewer"}),
        ("PATCH", f"/api/teams/{t}/members/{crew.member}", {"role": "viewer"}),
        ("DELETE", f"/api/teams/{t}/members/{crew.member}", {}),
        ("POST", f"/api/teams/{t}/invitations", {"role": "member"}),
        ("GET", f"/api/teams/{t}/invitations", {}),
        ("GET", f"/api/teams/{t}/workspaces", {}),
        ("POST", f"/api/teams/{t}/workspaces", {"name": "Mine"}),
    ]
    unknown = "f" * 32
    for method, url, body in calls:
        answer = await http.request(method, url, json=body, headers=me)
        assert answer.status_code == 404, (method, url, answer.text)
        # The same answer as for a team that does not exist: nothing to enumerate.
        twin = await http.request(method, url.replace(t, unknown), json=body, headers=me)
        assert (twin.status_code, twin.json()) == (404, answer.json())


async def test_members_and_viewers_get_403_on_management(
    db: Database, http: httpx.AsyncClient, crew: Crew
) -> None:
    new_email = unique_email("new")
    await make_user(db, new_email)
    t = crew.team_id
    ws = (await http.post(f"/api/teams/{t}/workspaces", json={"name": "Kept"},
                          headers=as_user(crew.admin))).json()
    invite = (await http.post(f"/api/teams/{t}/invitations", json={"role": "member"},
                              headers=as_user(crew.admin))).json()
    for actor in (crew.member, crew.viewer):
        calls: list[tuple[str, str, dict[str, Any]]] = [
            ("POST", f"/api/teams/{t}/members", {"email": new_email, "role": "viewer"}),
            ("PATCH", f"/api/teams/{t}/members/{crew.owner}", {"role": "viewer"}),
            ("PATCH", f"/api/teams/{t}/members/{actor}", {"role": "admin"}),
            ("DELETE", f"/api/teams/{t}/members/{crew.admin}", {}),
            ("POST", f"/api/teams/{t}/invitations", {"role": "member"}),
            ("GET", f"/api/teams/{t}/invitations", {}),
            ("DELETE", f"/api/teams/{t}/invitations/{invite['id']}", {}),
            ("POST", f"/api/teams/{t}/workspaces", {"name": "Mine"}),
            ("DELETE", f"/api/teams/{t}/workspaces/{ws['id']}", {}),
        ]
        for method, url, body in calls:
            answer = await http.request(method, url, json=body, headers=as_user(actor))
            assert answer.status_code == 403, (actor, method, url, answer.text)
            assert answer.json()["detail"]
    workspaces = (await http.get(f"/api/teams/{t}/workspaces",
                                 headers=as_user(crew.viewer))).json()["workspaces"]
    assert [w["name"] for w in workspaces] == ["Kept"]


async def test_roles_over_http_admin_versus_owner_and_the_last_owner(
    http: httpx.AsyncClient, crew: Crew
) -> None:
    t = crew.team_id
    members = f"/api/teams/{t}/members"
    refused = await http.patch(f"{members}/{crew.owner}", json={"role": "member"},
                               headers=as_user(crew.admin))
    assert refused.status_code == 403 and "owner" in refused.json()["detail"]
    assert (await http.patch(f"{members}/{crew.member}", json={"role": "owner"},
                             headers=as_user(crew.admin))).status_code == 403
    assert (await http.delete(f"{members}/{crew.owner}",
                              headers=as_user(crew.admin))).status_code == 403
    changed = await http.patch(f"{members}/{crew.member}", json={"role": "viewer"},
                               headers=as_user(crew.admin))
    assert changed.status_code == 200 and changed.json()["role"] == "viewer"
    last = await http.patch(f"{members}/{crew.owner}", json={"role": "admin"},
                            headers=as_user(crew.owner))
    assert last.status_code == 409 and "last owner" in last.json()["detail"]
    leave = await http.delete(f"{members}/{crew.owner}", headers=as_user(crew.owner))
    assert leave.status_code == 409
    bad_role = await http.patch(f"{members}/{crew.member}", json={"role": "root"},
                                headers=as_user(crew.owner))
    assert bad_role.status_code == 422
    assert (await http.delete(f"{members}/{crew.viewer}",
                              headers=as_user(crew.viewer))).status_code == 204  # leaves
    assert (await http.get(f"/api/teams/{t}", headers=as_user(crew.viewer))).status_code == 404


async def test_add_member_of_an_unknown_email_says_send_an_invitation(
    http: httpx.AsyncClient, crew: Crew
) -> None:
    answer = await http.post(f"/api/teams/{crew.team_id}/members",
                             json={"email": unique_email("ghost"), "role": "member"},
                             headers=as_user(crew.admin))
    assert answer.status_code == 404
    assert answer.json() == {"detail": "No account with that email; send an invitation."}
    again = await http.post(f"/api/teams/{crew.team_id}/members",
                            json={"email": crew.emails["member"], "role": "viewer"},
                            headers=as_user(crew.admin))
    assert again.status_code == 409


async def test_an_invitation_link_end_to_end(db: Database, http: httpx.AsyncClient,
                                             crew: Crew) -> None:
    made = await http.post(f"/api/teams/{crew.team_id}/invitations", json={"role": "viewer"},
                           headers=as_user(crew.admin))
    assert made.status_code == 201
    body = made.json()
    token = body["token"]
    assert body["url"] == f"https://pairpad.example.com/invite/{token}"
    assert (body["role"], body["email"], body["status"]) == ("viewer", None, "pending")

    preview = await http.get(f"/api/teams/invitations/{token}")  # public: no user
    assert preview.status_code == 200
    assert set(preview.json()) == {"team_name", "role", "expires_at"}
    assert (preview.json()["team_name"], preview.json()["role"]) == ("Core", "viewer")

    newcomer, late = await make_user(db), await make_user(db)
    accepted = await http.post(f"/api/teams/invitations/{token}/accept",
                               headers=as_user(newcomer))
    assert accepted.status_code == 200
    assert accepted.json() == {"id": crew.team_id, "name": "Core", "role": "viewer"}
    reused = await http.post(f"/api/teams/invitations/{token}/accept", headers=as_user(late))
    assert reused.status_code == 404
    assert (await http.get(f"/api/teams/invitations/{token}")).status_code == 404
    listed = (await http.get(f"/api/teams/{crew.team_id}/invitations",
                             headers=as_user(crew.owner))).json()["invitations"]
    assert [(i["status"], i["accepted_by"]) for i in listed] == [("accepted", newcomer)]
    assert all("token" not in i and "url" not in i for i in listed)
    teams_of_newcomer = (await http.get("/api/teams", headers=as_user(newcomer))).json()
    assert teams_of_newcomer["teams"][0]["role"] == "viewer"


async def test_invitation_rules_over_http(db: Database, http: httpx.AsyncClient,
                                          crew: Crew) -> None:
    t = crew.team_id
    kim_email = unique_email("kim")
    owner_invite = await http.post(f"/api/teams/{t}/invitations", json={"role": "owner"},
                                   headers=as_user(crew.admin))
    assert owner_invite.status_code == 403
    bound = (await http.post(f"/api/teams/{t}/invitations",
                             json={"role": "member", "email": kim_email},
                             headers=as_user(crew.admin))).json()
    mallory = await make_user(db, unique_email("mallory"))
    wrong = await http.post(f"/api/teams/invitations/{bound['token']}/accept",
                            headers=as_user(mallory))
    assert wrong.status_code == 403
    kim = await make_user(db, kim_email)
    assert (await http.post(f"/api/teams/invitations/{bound['token']}/accept",
                            headers=as_user(kim))).status_code == 200
    member_again = (await http.post(f"/api/teams/{t}/invitations", json={"role": "admin"},
                                    headers=as_user(crew.owner))).json()
    assert (await http.post(f"/api/teams/invitations/{member_again['token']}/accept",
                            headers=as_user(crew.viewer))).status_code == 409
    revoked = await http.delete(f"/api/teams/{t}/invitations/{member_again['id']}",
                                headers=as_user(crew.admin))
    assert revoked.status_code == 204
    assert (await http.post(f"/api/teams/invitations/{member_again['token']}/accept",
                            headers=as_user(mallory))).status_code == 404
    assert (await http.get("/api/teams/invitations/short")).status_code == 422


async def test_the_invitation_url_falls_back_to_the_requests_base_url(
    db: Database, tmp_path: Path, crew: Crew
) -> None:
    settings = TeamSettings(database_url=db.url, workspaces_dir=tmp_path / "w2")
    app = build_app(TeamService(db, settings), settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://team.local:8080") as client:
        made = await client.post(f"/api/teams/{crew.team_id}/invitations",
                                 json={"role": "member"}, headers=as_user(crew.owner))
    assert made.json()["url"] == f"http://team.local:8080/invite/{made.json()['token']}"


async def test_workspaces_over_http(http: httpx.AsyncClient, crew: Crew,
                                    settings: TeamSettings) -> None:
    t = crew.team_id
    made = await http.post(f"/api/teams/{t}/workspaces", json={"name": "Web"},
                           headers=as_user(crew.admin))
    assert made.status_code == 201
    ws = made.json()
    assert ws == {"id": ws["id"], "team_id": t, "name": "Web", "created_at": ws["created_at"],
                  "url": f"/w/{ws['id']}/"}
    assert (settings.workspaces_dir / ws["id"]).is_dir()
    listed = (await http.get(f"/api/teams/{t}/workspaces",
                             headers=as_user(crew.viewer))).json()["workspaces"]
    assert [w["id"] for w in listed] == [ws["id"]]
    for name, status in [("a/b", 422), ("", 422), ("x" * 101, 422), ("Web", 409)]:
        answer = await http.post(f"/api/teams/{t}/workspaces", json={"name": name},
                                 headers=as_user(crew.owner))
        assert answer.status_code == status, (name, answer.text)
    gone = await http.delete(f"/api/teams/{t}/workspaces/{ws['id']}",
                             headers=as_user(crew.owner))
    assert gone.status_code == 204
    assert not (settings.workspaces_dir / ws["id"]).exists()
    assert len(list((settings.workspaces_dir / ".deleted").iterdir())) == 1
    assert (await http.get(f"/api/teams/{t}/workspaces",
                           headers=as_user(crew.owner))).json() == {"workspaces": []}
