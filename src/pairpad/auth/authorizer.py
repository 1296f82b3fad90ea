"""May they: decides whether an identity may perform an action on a resource."""

from __future__ import annotations

from typing import Literal

from pairpad.auth.identity import Identity

Action = Literal["read", "write", "execute"]


class Authorizer:
    """Local mode: the single owner may do everything; team mode will consult roles."""

    def is_allowed(self, identity: Identity, action: Action, resource: str) -> bool:
        return identity.user_id == "local"
