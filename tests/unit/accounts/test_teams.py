"""TeamService on SQLite and PostgreSQL: teams, members and roles (the last owner, admins
against owners), invitations (hashed, single use, expiry, email binding), team workspaces
(folders made and moved aside) and the dispatcher's role lookup."""

from __future__ import annotations

import asyncio
import hashlib
import stat
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from tests.support.team_db import DATABASES, make_user, migrated_database, unique_email

from pairpad.accounts.settings import TeamSettings
from pairpad.accounts.team_folders import DELETED_DIR
from pairpad.accounts.teams import NO_ACCOUNT, NO_TEAM, TeamService
from pairpad.errors import Conflict, Forbidden, NotFound, Unprocessable
from pairpad.storage.db import Database
from pairpad.storage.team_tables import TeamInvitationRow, TeamWorkspaceRow, UserRow


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(params=DATABASES)
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    async with migrated_database(request, request.param, tmp_path) as database:
        yield database


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def workspaces_dir(tmp_path: Path) -> Path:
    return tmp_path / "workspaces"


@pytest.fixture
def teams(db: Database, clock: Clock, workspaces_dir: Path) -> TeamService:
    settings = TeamSettings(database_url=db.url, workspaces_dir=workspaces_dir)
    return TeamService(db, settings, clock=clock)


class Team:
    """A team with one user of each role, and an outsider."""

    def __init__(self, team_id: str, users: dict[str, str]) -> None:
        self.id = team_id
        self.owner = users["owner"]
        self.admin = users["admin"]
        self.member = users["member"]
        self.viewer = users["viewer"]
        self.outsider = users["outsider"]


async def build_team(db: Database, teams: TeamService) -> Team:
    users = {name: await make_user(db, unique_email(name))
             for name in ("owner", "admin", "member", "viewer", "outsider")}
    created = await teams.create_team("Core", by=users["owner"])
    for role in ("admin", "member", "viewer"):
        await teams.add_member(created.id, await _email(db, users[role]), role,
                               by=users["owner"])
    return Team(created.id, users)


@pytest.fixture
async def team(db: Database, teams: TeamService) -> Team:
    return await build_team(db, teams)


@pytest.fixture
async def pg(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """PostgreSQL only: races (SQLite serializes its writers)."""
    async with migrated_database(request, "postgresql", tmp_path) as database:
        yield database


def _service(db: Database, tmp_path: Path) -> TeamService:
    return TeamService(db, TeamSettings(database_url=db.url, workspaces_dir=tmp_path / "ws"))


async def _email(db: Database, user_id: str) -> str:
    async with db.session() as session:
        user = await session.get(UserRow, user_id)
        assert user is not None
        return user.email


async def _roles(teams: TeamService, team: Team) -> dict[str, str]:
    return {m.user_id: m.role for m in await teams.members(team.id, by=team.owner)}


# -- teams ---------------------------------------------------------------------------------


async def test_the_creator_is_the_owner_and_only_members_see_the_team(
    db: Database, teams: TeamService
) -> None:
    alice_email = unique_email("alice")
    alice, bob = await make_user(db, alice_email), await make_user(db)
    created = await teams.create_team("  Platform  ", by=alice)
    assert (created.name, created.role) == ("Platform", "owner")
    assert [(t.id, t.name, t.role) for t in await teams.teams_of(alice)] == [
        (created.id, "Platform", "owner")]
    assert await teams.teams_of(bob) == []
    detail = await teams.team(created.id, by=alice)
    assert (detail.role, detail.member_count, detail.workspace_count) == ("owner", 1, 0)
    members = await teams.members(created.id, by=alice)
    assert [(m.user_id, m.email, m.role) for m in members] == [
        (alice, alice_email, "owner")]


async def test_teams_of_lists_each_team_with_the_users_role(db: Database,
                                                            teams: TeamService) -> None:
    alice, bob = await make_user(db), await make_user(db)
    a = await teams.create_team("Alpha", by=alice)
    await teams.create_team("Beta", by=bob)
    await teams.add_member(a.id, await _email(db, bob), "viewer", by=alice)
    assert [(t.name, t.role) for t in await teams.teams_of(bob)] == [("Alpha", "viewer"),
                                                                    ("Beta", "owner")]


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "tab\there", "nul\x00"])
async def test_team_names_are_checked(db: Database, teams: TeamService, name: str) -> None:
    alice = await make_user(db)
    with pytest.raises(Unprocessable):
        await teams.create_team(name, by=alice)
    assert await teams.teams_of(alice) == []


async def test_a_non_member_gets_404_for_everything_about_a_team(
    teams: TeamService, team: Team
) -> None:
    stranger = team.outsider
    calls: list[Any] = [
        teams.team(team.id, by=stranger),
        teams.members(team.id, by=stranger),
        teams.add_member(team.id, "x@example.com", "member", by=stranger),
        teams.change_role(team.id, team.member, "viewer", by=stranger),
        teams.remove_member(team.id, team.member, by=stranger),
        teams.remove_member(team.id, stranger, by=stranger),
        teams.create_invitation(team.id, "member", by=stranger),
        teams.invitations(team.id, by=stranger),
        teams.revoke_invitation(team.id, "0" * 32, by=stranger),
        teams.workspaces(team.id, by=stranger),
        teams.create_workspace(team.id, "w", by=stranger),
    ]
    for call in calls:
        with pytest.raises(NotFound) as caught:
            await call
        assert caught.value.detail == NO_TEAM
    # An unknown team id answers exactly the same.
    with pytest.raises(NotFound, match=NO_TEAM):
        await teams.team("f" * 32, by=stranger)


# -- members and roles ---------------------------------------------------------------------


async def test_add_member_by_email_needs_an_existing_account(
    db: Database, teams: TeamService, team: Team
) -> None:
    carol_email = unique_email("carol")
    carol = await make_user(db, carol_email, display_name="Carol")
    added = await teams.add_member(team.id, f"  {carol_email.upper()} ", "member", by=team.admin)
    assert (added.user_id, added.email, added.display_name, added.role) == (
        carol, carol_email, "Carol", "member")
    with pytest.raises(NotFound) as caught:
        await teams.add_member(team.id, unique_email("nobody"), "member", by=team.admin)
    assert caught.value.detail == NO_ACCOUNT
    with pytest.raises(Conflict):
        await teams.add_member(team.id, carol_email, "viewer", by=team.owner)
    with pytest.raises(Unprocessable):
        await teams.add_member(team.id, "not-an-email", "member", by=team.owner)
    with pytest.raises(Unprocessable):
        await teams.add_member(team.id, carol_email, "root", by=team.owner)


async def test_members_and_viewers_cannot_manage_members(
    db: Database, teams: TeamService, team: Team
) -> None:
    dave_email = unique_email("dave")
    dave = await make_user(db, dave_email)
    for actor in (team.member, team.viewer):
        with pytest.raises(Forbidden):
            await teams.add_member(team.id, dave_email, "viewer", by=actor)
        with pytest.raises(Forbidden):
            await teams.change_role(team.id, team.viewer, "member", by=actor)
        with pytest.raises(Forbidden):
            await teams.remove_member(team.id, team.viewer if actor != team.viewer
                                      else team.member, by=actor)
    # …but they see who is in the team.
    assert len(await teams.members(team.id, by=team.viewer)) == 4
    assert dave not in await _roles(teams, team)


async def test_only_an_owner_grants_changes_or_removes_the_owner_role(
    db: Database, teams: TeamService, team: Team
) -> None:
    erin_email = unique_email("erin")
    await make_user(db, erin_email)
    with pytest.raises(Forbidden):
        await teams.add_member(team.id, erin_email, "owner", by=team.admin)
    with pytest.raises(Forbidden):
        await teams.change_role(team.id, team.member, "owner", by=team.admin)
    with pytest.raises(Forbidden):
        await teams.change_role(team.id, team.admin, "owner", by=team.admin)  # not self either
    with pytest.raises(Forbidden):
        await teams.change_role(team.id, team.owner, "member", by=team.admin)
    with pytest.raises(Forbidden):
        await teams.remove_member(team.id, team.owner, by=team.admin)
    assert (await _roles(teams, team))[team.owner] == "owner"
    # An admin manages the other roles, admins included.
    await teams.change_role(team.id, team.member, "viewer", by=team.admin)
    await teams.change_role(team.id, team.viewer, "admin", by=team.admin)
    roles = await _roles(teams, team)
    assert (roles[team.member], roles[team.viewer]) == ("viewer", "admin")
    # The owner may make owners.
    promoted = await teams.change_role(team.id, team.admin, "owner", by=team.owner)
    assert promoted.role == "owner"
    await teams.add_member(team.id, erin_email, "owner", by=team.owner)


async def test_the_last_owner_cannot_be_demoted_removed_or_leave(
    teams: TeamService, team: Team
) -> None:
    with pytest.raises(Conflict, match="last owner"):
        await teams.change_role(team.id, team.owner, "admin", by=team.owner)
    with pytest.raises(Conflict, match="last owner"):
        await teams.remove_member(team.id, team.owner, by=team.owner)
    assert (await _roles(teams, team))[team.owner] == "owner"
    # With a second owner, either may step down or leave.
    await teams.change_role(team.id, team.admin, "owner", by=team.owner)
    await teams.change_role(team.id, team.owner, "member", by=team.owner)
    with pytest.raises(Conflict, match="last owner"):
        await teams.remove_member(team.id, team.admin, by=team.admin)
    await teams.change_role(team.id, team.owner, "owner", by=team.admin)
    await teams.remove_member(team.id, team.admin, by=team.admin)  # leaves
    roles = await _roles(teams, team)
    assert roles[team.owner] == "owner" and team.admin not in roles


async def test_an_owner_removes_another_owner_and_changing_to_the_same_role_is_fine(
    teams: TeamService, team: Team
) -> None:
    await teams.change_role(team.id, team.admin, "owner", by=team.owner)
    await teams.remove_member(team.id, team.admin, by=team.owner)
    assert team.admin not in await _roles(teams, team)
    same = await teams.change_role(team.id, team.owner, "owner", by=team.owner)
    assert same.role == "owner"


async def test_members_leave_and_admins_remove_non_owners(teams: TeamService,
                                                          team: Team) -> None:
    await teams.remove_member(team.id, team.viewer, by=team.viewer)  # leaving
    await teams.remove_member(team.id, team.member, by=team.admin)
    roles = await _roles(teams, team)
    assert set(roles) == {team.owner, team.admin}
    assert await teams.teams_of(team.viewer) == []
    with pytest.raises(NotFound):
        await teams.remove_member(team.id, team.member, by=team.admin)  # already gone
    with pytest.raises(NotFound):
        await teams.change_role(team.id, team.outsider, "member", by=team.owner)


async def test_two_owners_stepping_down_at_once_leave_one_owner(
    pg: Database, tmp_path: Path
) -> None:
    teams = _service(pg, tmp_path)
    for _round in range(8):  # the pool warm after the first: the two really interleave
        team = await build_team(pg, teams)
        await teams.change_role(team.id, team.admin, "owner", by=team.owner)
        results = await asyncio.gather(
            teams.change_role(team.id, team.admin, "member", by=team.admin),
            teams.change_role(team.id, team.owner, "member", by=team.owner),
            return_exceptions=True,
        )
        assert sum(isinstance(r, Conflict) for r in results) == 1, results
        assert list((await _roles(teams, team)).values()).count("owner") == 1


# -- invitations ---------------------------------------------------------------------------


async def test_an_invitation_is_stored_hashed_and_accepted_once(
    db: Database, teams: TeamService, team: Team
) -> None:
    created = await teams.create_invitation(team.id, "viewer", by=team.admin)
    token = created.token
    assert len(token) >= 40 and created.invitation.status == "pending"
    assert created.invitation.expires_at - created.invitation.created_at == timedelta(days=7)
    async with db.session() as session:
        row = await session.get(TeamInvitationRow, created.invitation.id)
        assert row is not None
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in (row.token_hash, row.id)
    preview = await teams.invitation_preview(token)
    assert (preview.team_name, preview.role) == ("Core", "viewer")

    frank, gina = await make_user(db), await make_user(db)
    joined = await teams.accept_invitation(token, by=frank)
    assert (joined.id, joined.role) == (team.id, "viewer")
    assert (await _roles(teams, team))[frank] == "viewer"
    with pytest.raises(NotFound, match="already used"):
        await teams.accept_invitation(token, by=gina)
    with pytest.raises(NotFound):
        await teams.invitation_preview(token)
    listed = await teams.invitations(team.id, by=team.owner)
    assert [(i.status, i.accepted_by) for i in listed] == [("accepted", frank)]
    with pytest.raises(NotFound):
        await teams.accept_invitation("x" * 43, by=gina)


async def test_an_invitation_expires_after_seven_days(
    db: Database, teams: TeamService, team: Team, clock: Clock
) -> None:
    early = await teams.create_invitation(team.id, "member", by=team.owner)
    late = await teams.create_invitation(team.id, "member", by=team.owner)
    hank, ida = await make_user(db), await make_user(db)
    clock.now += timedelta(days=7) - timedelta(seconds=1)
    await teams.accept_invitation(early.token, by=hank)
    clock.now += timedelta(seconds=2)
    with pytest.raises(NotFound, match="expired"):
        await teams.accept_invitation(late.token, by=ida)
    with pytest.raises(NotFound):
        await teams.invitation_preview(late.token)
    statuses = {i.id: i.status for i in await teams.invitations(team.id, by=team.owner)}
    assert statuses == {early.invitation.id: "accepted", late.invitation.id: "expired"}
    assert ida not in await _roles(teams, team)


async def test_an_email_bound_invitation_is_only_for_that_verified_address(
    db: Database, teams: TeamService, team: Team
) -> None:
    june_email = unique_email("june")
    created = await teams.create_invitation(team.id, "member", f" {june_email.title()}",
                                            by=team.admin)
    assert created.invitation.email == june_email
    other = await make_user(db, unique_email("mallory"))
    with pytest.raises(Forbidden, match="another email"):
        await teams.accept_invitation(created.token, by=other)
    unverified = await make_user(db, june_email, verified=False)
    with pytest.raises(Forbidden, match="Verify"):
        await teams.accept_invitation(created.token, by=unverified)
    async with db.session() as session:
        user = await session.get(UserRow, unverified)
        assert user is not None
        user.email_verified = True
    joined = await teams.accept_invitation(created.token, by=unverified)  # still unused
    assert joined.role == "member"
    assert other not in await _roles(teams, team)


async def test_a_member_accepting_is_refused_without_using_the_link(
    db: Database, teams: TeamService, team: Team
) -> None:
    created = await teams.create_invitation(team.id, "admin", by=team.owner)
    with pytest.raises(Conflict):
        await teams.accept_invitation(created.token, by=team.viewer)
    assert (await _roles(teams, team))[team.viewer] == "viewer"  # no upgrade through a link
    newcomer = await make_user(db)
    assert (await teams.accept_invitation(created.token, by=newcomer)).role == "admin"


async def test_inviting_is_for_admins_and_owner_invitations_for_owners(
    teams: TeamService, team: Team
) -> None:
    for actor in (team.member, team.viewer):
        with pytest.raises(Forbidden):
            await teams.create_invitation(team.id, "viewer", by=actor)
        with pytest.raises(Forbidden):
            await teams.invitations(team.id, by=actor)
    with pytest.raises(Forbidden):
        await teams.create_invitation(team.id, "owner", by=team.admin)
    with pytest.raises(Unprocessable):
        await teams.create_invitation(team.id, "god", by=team.owner)
    owner_invite = await teams.create_invitation(team.id, "owner", by=team.owner)
    assert owner_invite.invitation.role == "owner"


async def test_a_revoked_invitation_no_longer_works(
    db: Database, teams: TeamService, team: Team
) -> None:
    created = await teams.create_invitation(team.id, "member", by=team.owner)
    with pytest.raises(Forbidden):
        await teams.revoke_invitation(team.id, created.invitation.id, by=team.member)
    other_team = await teams.create_team("Other", by=team.outsider)
    with pytest.raises(NotFound):  # the id of another team's invitation
        await teams.revoke_invitation(other_team.id, created.invitation.id, by=team.outsider)
    await teams.revoke_invitation(team.id, created.invitation.id, by=team.admin)
    assert await teams.invitations(team.id, by=team.owner) == []
    with pytest.raises(NotFound):
        await teams.accept_invitation(created.token, by=await make_user(db))
    with pytest.raises(NotFound):
        await teams.revoke_invitation(team.id, created.invitation.id, by=team.admin)


async def test_two_users_racing_for_one_link_make_one_member(
    pg: Database, tmp_path: Path
) -> None:
    teams = _service(pg, tmp_path)
    team = await build_team(pg, teams)
    for _round in range(4):  # the pool warm after the first: the accepts really interleave
        created = await teams.create_invitation(team.id, "member", by=team.owner)
        racers = [await make_user(pg) for _ in range(4)]
        results = await asyncio.gather(
            *(teams.accept_invitation(created.token, by=user) for user in racers),
            return_exceptions=True)
        assert sum(not isinstance(r, BaseException) for r in results) == 1, results
        assert all(isinstance(r, NotFound) for r in results if isinstance(r, BaseException))
        roles = await _roles(teams, team)
        assert sum(user in roles for user in racers) == 1


# -- workspaces ----------------------------------------------------------------------------


async def test_a_workspace_is_a_folder_named_by_its_id(
    teams: TeamService, team: Team, workspaces_dir: Path
) -> None:
    ws = await teams.create_workspace(team.id, " Backend ", by=team.admin)
    assert (ws.team_id, ws.name) == (team.id, "Backend")
    assert ws.folder == workspaces_dir.resolve() / ws.id and ws.folder.is_dir()
    assert stat.S_IMODE(ws.folder.stat().st_mode) == 0o700
    assert await teams.workspace(ws.id) == ws
    assert await teams.workspace("0" * 32) is None
    listed = await teams.workspaces(team.id, by=team.viewer)
    assert [w.id for w in listed] == [ws.id]
    system_made = await teams.create_workspace(team.id, "Made by the CLI")  # by=None
    assert system_made.folder.is_dir()
    assert (await teams.team(team.id, by=team.member)).workspace_count == 2


@pytest.mark.parametrize("name", ["", "  ", "a/b", "..\\x", "nul\x00", "x" * 101, "li\nne"])
async def test_workspace_names_are_checked(teams: TeamService, team: Team,
                                           workspaces_dir: Path, name: str) -> None:
    with pytest.raises(Unprocessable):
        await teams.create_workspace(team.id, name, by=team.owner)
    assert await teams.workspaces(team.id, by=team.owner) == []
    assert not workspaces_dir.exists() or list(workspaces_dir.iterdir()) == []


async def test_workspace_names_are_unique_in_a_team_and_no_folder_is_left(
    db: Database, teams: TeamService, team: Team, workspaces_dir: Path
) -> None:
    first = await teams.create_workspace(team.id, "App", by=team.owner)
    with pytest.raises(Conflict):
        await teams.create_workspace(team.id, "App", by=team.admin)
    assert [p.name for p in workspaces_dir.iterdir()] == [first.id]
    other = await teams.create_team("Other", by=team.outsider)
    assert (await teams.create_workspace(other.id, "App", by=team.outsider)).name == "App"


async def test_a_folder_that_cannot_be_made_stores_no_workspace(
    db: Database, clock: Clock, team: Team, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    broken = TeamService(db, TeamSettings(database_url=db.url,
                                          workspaces_dir=blocker / "workspaces"), clock=clock)
    with pytest.raises(OSError):
        await broken.create_workspace(team.id, "Doomed", by=team.owner)
    async with db.session() as session:
        assert (await session.scalars(select(TeamWorkspaceRow).where(
            TeamWorkspaceRow.team_id == team.id))).all() == []


async def test_managing_workspaces_needs_admin(teams: TeamService, team: Team) -> None:
    ws = await teams.create_workspace(team.id, "Ops", by=team.owner)
    for actor in (team.member, team.viewer):
        with pytest.raises(Forbidden):
            await teams.create_workspace(team.id, "Mine", by=actor)
        with pytest.raises(Forbidden):
            await teams.delete_workspace(ws.id, team_id=team.id, by=actor)
    with pytest.raises(NotFound):
        await teams.delete_workspace(ws.id, team_id=team.id, by=team.outsider)
    with pytest.raises(NotFound):
        await teams.delete_workspace(ws.id, by=team.outsider)
    with pytest.raises(NotFound):
        await teams.create_workspace("f" * 32, "Nowhere")  # by=None: the team must exist
    assert (await teams.workspace(ws.id)) is not None


async def test_deleting_a_workspace_moves_its_folder_aside(
    teams: TeamService, team: Team, workspaces_dir: Path
) -> None:
    ws = await teams.create_workspace(team.id, "Scratch", by=team.owner)
    (ws.folder / "notes.txt").write_text("keep me")
    other = await teams.create_team("Other", by=team.outsider)
    with pytest.raises(NotFound):  # the workspace is not the other team's
        await teams.delete_workspace(ws.id, team_id=other.id, by=team.outsider)
    moved = await teams.delete_workspace(ws.id, team_id=team.id, by=team.admin)
    assert moved is not None and moved.parent == workspaces_dir.resolve() / DELETED_DIR
    assert moved.name.startswith(ws.id + "-")
    assert (moved / "notes.txt").read_text() == "keep me"
    assert not ws.folder.exists()
    assert await teams.workspace(ws.id) is None
    assert await teams.role_in_workspace(team.member, ws.id) is None
    with pytest.raises(NotFound):
        await teams.delete_workspace(ws.id, team_id=team.id, by=team.admin)
    # A new workspace of the same name is a new folder.
    again = await teams.create_workspace(team.id, "Scratch", by=team.owner)
    assert again.id != ws.id and list(again.folder.iterdir()) == []


async def test_role_in_workspace_is_the_role_in_the_owning_team_in_one_query(
    db: Database, teams: TeamService, team: Team
) -> None:
    ws = await teams.create_workspace(team.id, "Site", by=team.owner)
    other = await teams.create_team("Other", by=team.outsider)
    foreign = await teams.create_workspace(other.id, "Theirs", by=team.outsider)
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        for user, role in [(team.owner, "owner"), (team.admin, "admin"),
                           (team.member, "member"), (team.viewer, "viewer")]:
            statements.clear()
            assert await teams.role_in_workspace(user, ws.id) == role
            assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    assert await teams.role_in_workspace(team.outsider, ws.id) is None
    assert await teams.role_in_workspace(team.owner, foreign.id) is None
    assert await teams.role_in_workspace(team.owner, "0" * 32) is None
    await teams.change_role(team.id, team.member, "viewer", by=team.owner)
    assert await teams.role_in_workspace(team.member, ws.id) == "viewer"
    await teams.remove_member(team.id, team.member, by=team.owner)
    assert await teams.role_in_workspace(team.member, ws.id) is None
