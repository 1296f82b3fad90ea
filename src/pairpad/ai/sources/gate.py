"""Secret files in chat context: which paths of a request may reach the model.

A file the workspace's visibility policy calls a secret (``.env``, keys, ...) is never read
into context — mentioned, active, selected in, or inside a mentioned folder — unless the
request lists it in ``allow_secrets`` (the user attached that one file and confirmed). In
its place is an item with ``included: false``, a ``reason`` and ``meta.secret``, so the UI
says why and offers "Attach anyway…".
"""

from __future__ import annotations

import posixpath
from typing import Any, Protocol

from pairpad.ai.chat_models import ChatSendRequest
from pairpad.ai.sources.base import ContextItem
from pairpad.workspace.visibility import is_default_secret

CREDENTIALS_REFUSAL = (
    "secret file (credentials or keys): not sent to the model. "
    "Use “Attach anyway…” to send this one file after confirming."
)


class SecretCheck(Protocol):
    """The workspace's VisibilityPolicy as chat needs it."""

    def is_secret_target(self, rel: str) -> bool: ...


class DefaultSecrets:
    """The built-in secret rules alone: what a source refuses when given no policy."""

    def is_secret_target(self, rel: str) -> bool:
        return is_default_secret(rel)


class SecretGate:
    """Which paths of one request may reach the model: not a secret, or a secret the user
    attached explicitly and confirmed (`allow_secrets`)."""

    def __init__(self, secrets: SecretCheck, request: ChatSendRequest) -> None:
        self._secrets = secrets
        self._allowed = {_normal(path) for path in request.allow_secrets}

    def refuses(self, path: str) -> bool:
        rel = _normal(path)
        return rel not in self._allowed and self._secrets.is_secret_target(rel)

    def allowed_secret(self, path: str) -> bool:
        return _normal(path) in self._allowed and self._secrets.is_secret_target(_normal(path))


def _normal(path: str) -> str:
    rel = posixpath.normpath(path.strip().strip("/")) if path.strip("/ ") else ""
    return "" if rel == "." else rel


def secret_refused(item_id: str, kind: str, path: str, title: str) -> ContextItem:
    return ContextItem(item_id, kind, "", 0, path=path, title=title, included=False,
                       reason=CREDENTIALS_REFUSAL, meta={"secret": True})


def secret_meta(gate: SecretGate, path: str) -> dict[str, Any]:
    """On an explicitly attached secret: say so in the inspector."""
    return {"secret": True, "why": "attached by you (secret file)"} if gate.allowed_secret(
        path) else {}


