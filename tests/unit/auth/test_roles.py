"""RolePolicy: the whole matrix of roles, actions and resources of a team workspace, written
out here independently of auth/roles.py."""

from __future__ import annotations

from typing import get_args

import pytest

from pairpad.auth.authorizer import Action, Policy, Resource
from pairpad.auth.identity import Identity
from pairpad.auth.roles import ROLES, RolePolicy, at_least, rank

ACTIONS: tuple[Action, ...] = get_args(Action)
RESOURCES: tuple[Resource, ...] = get_args(Resource)

MEMBER_WORK = ("files", "search", "codebase", "chat", "settings", "runtime", "agent", "git",
               "workspace")


def expected(role: str | None, action: str, resource: str) -> bool:
    if role not in ("owner", "admin", "member", "viewer") or resource == "terminal":
        return False
    if action == "read":
        return True
    if role == "viewer":
        return False
    if resource == "agent" and action == "admin":  # approving the workspace's allow-list
        return role in ("owner", "admin")
    if resource in MEMBER_WORK:
        return action in ("write", "execute")
    if resource == "models":
        return action == "admin" and role in ("owner", "admin")
    return False


def test_the_matrix_knows_every_action_and_resource_of_the_authorizer() -> None:
    assert set(ACTIONS) == {"read", "write", "execute", "admin"}
    assert set(RESOURCES) == {*MEMBER_WORK, "models", "terminal"}
    assert ROLES == ("owner", "admin", "member", "viewer")


@pytest.mark.parametrize("role", [*ROLES, None, "", "superuser", "Owner", "guest"])
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("action", ACTIONS)
def test_role_policy_matrix(role: str | None, action: Action, resource: Resource) -> None:
    policy: Policy = RolePolicy()
    allowed = policy.is_allowed(Identity("u1", "bearer", role), action, resource)
    assert allowed is expected(role, action, resource), (role, action, resource)


def test_spot_checks_of_the_contract() -> None:
    policy = RolePolicy()

    def may(role: str, action: Action, resource: Resource) -> bool:
        return policy.is_allowed(Identity("u", "cookie", role), action, resource)

    assert may("viewer", "read", "files") and not may("viewer", "write", "files")
    assert not may("viewer", "execute", "runtime") and not may("viewer", "write", "chat")
    assert may("member", "write", "files") and may("member", "execute", "runtime")
    assert may("member", "read", "models") and not may("member", "admin", "models")
    assert may("admin", "admin", "models") and may("owner", "admin", "models")
    for role in ROLES:
        assert not may(role, "execute", "terminal") and not may(role, "read", "terminal")


def test_rank_orders_roles_and_unknown_is_lowest() -> None:
    assert rank("owner") > rank("admin") > rank("member") > rank("viewer") > rank(None) == 0
    assert rank("root") == 0
    assert at_least("owner", "admin") and at_least("admin", "admin")
    assert not at_least("member", "admin") and not at_least(None, "viewer")
