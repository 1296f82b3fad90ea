"""May they: decides whether an identity may perform an action on a resource.

jupyter_server's split: the identity provider says who is calling (auth/identity.py), the
authorizer says whether they may do `action` on `resource`. Every HTTP route declares its
pair with the `authorized(action, resource)` dependency (api/authz.py) and every Socket.IO
handler asks too, so team mode swaps only the identity provider and this policy.

Actions by resource (the route table is in docs/security.md):

- `files`: read (tree, content), write (save, move, delete, mkdir)
- `search`: read (text search, quick open)
- `codebase`: read (index status, context search, repo map, symbols), write (rebuild,
  re-index)
- `chat`: read (conversations, export), write (create, rename, delete, send, retry, cancel)
- `models`: read (overview), admin (providers, roles, tests, the local model server)
- `settings`: read, write (editor preferences)
- `workspace`: read (the workspace's name and state)
- `runtime`: read (which sandbox is active, its limits), execute (run a command in the
  sandbox: `POST /api/run`, `run:start|cancel`)
- `terminal`: execute (the user's own, unsandboxed shell: every `term:*` socket event)
- `git`: read (status, diffs, a file at HEAD or in the index, branches), write (stage,
  unstage, discard, commit, switch or create a branch, init, pull, push)
"""

from __future__ import annotations

from typing import Literal, Protocol

from pairpad.auth.identity import Identity, LocalTokenIdentityProvider

Action = Literal["read", "write", "execute", "admin"]
Resource = Literal["files", "search", "codebase", "chat", "models", "settings", "workspace",
                   "runtime", "terminal", "agent", "git"]


class Policy(Protocol):
    """What the app asks; team mode provides one that consults roles."""

    def is_allowed(self, identity: Identity, action: Action, resource: Resource) -> bool: ...


class Authorizer:
    """Local mode: the single owner may do everything; anybody else nothing."""

    def is_allowed(self, identity: Identity, action: Action, resource: Resource) -> bool:
        return identity.user_id == LocalTokenIdentityProvider.LOCAL_USER


def refusal(action: Action, resource: Resource) -> str:
    return f"Not allowed: {action} on {resource}."
