"""Team mode's roles and what each may do in a team workspace (the authorizer's Policy).

owner > admin > member > viewer. In a workspace (identity.role = the user's role in the team
owning it, set by the team app's dispatcher):

- viewer: read only, on every resource but the terminal;
- member: read/write/execute on files, search, codebase, chat, settings, runtime, agent, git
  and workspace; models read only;
- admin, owner: the member's rights plus admin on models (providers, API keys, roles) and
  on the agent (approving the workspace's allow-list of commands).

The integrated terminal is an unsandboxed shell on the server: refused to every role in team
mode. A role this module does not know (or None) may do nothing. Team management (members,
invitations, workspaces) is decided by accounts/teams.py with `rank`.
"""

from __future__ import annotations

from typing import get_args

from pairpad.auth.authorizer import Action, Resource
from pairpad.auth.identity import Identity

ROLES: tuple[str, ...] = ("owner", "admin", "member", "viewer")  # highest first
_RANK = {role: len(ROLES) - index for index, role in enumerate(ROLES)}

_ALL_RESOURCES: frozenset[Resource] = frozenset(get_args(Resource))
_MEMBER_RESOURCES: frozenset[Resource] = frozenset(
    {"files", "search", "codebase", "chat", "settings", "runtime", "agent", "git", "workspace"}
)
_NEVER: frozenset[Resource] = frozenset({"terminal"})

Grant = frozenset[tuple[Action, Resource]]


def _grant(actions: tuple[Action, ...], resources: frozenset[Resource]) -> Grant:
    return frozenset((action, resource) for action in actions for resource in resources)


_VIEWER = _grant(("read",), _ALL_RESOURCES - _NEVER)
_MEMBER = _VIEWER | _grant(("read", "write", "execute"), _MEMBER_RESOURCES)
# Admins also approve a workspace's agent allow-list (its commands still run sandboxed).
_ADMIN = _MEMBER | _grant(("admin",), frozenset({"models", "agent"}))

GRANTS: dict[str, Grant] = {"owner": _ADMIN, "admin": _ADMIN, "member": _MEMBER,
                            "viewer": _VIEWER}


def rank(role: str | None) -> int:
    """Higher is stronger; 0 for None or an unknown role."""
    return _RANK.get(role or "", 0)


def at_least(role: str | None, minimum: str) -> bool:
    return rank(role) >= _RANK[minimum]


class RolePolicy:
    """The Policy (auth/authorizer.py) of a team workspace: decides by `identity.role`."""

    def is_allowed(self, identity: Identity, action: Action, resource: Resource) -> bool:
        grant = GRANTS.get(identity.role or "")
        return grant is not None and (action, resource) in grant
