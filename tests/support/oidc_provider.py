"""A real OpenID Connect provider for the sign-in tests: oidc-provider-mock (PyPI) serving
on a free port in a thread. The test chooses who signs in: it sets the user's claims
(PUT /users/{sub}) and posts the authorize form with that `sub`, as a person would."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

with warnings.catch_warnings():
    # The mock still imports authlib.jose (deprecated for joserfc in authlib 1.7+).
    warnings.simplefilter("ignore", DeprecationWarning)
    import oidc_provider_mock  # type: ignore[import-untyped]


@dataclass
class OidcProvider:
    issuer: str  # http://localhost:PORT (the mock's issuer is the URL it is reached at)

    def set_user(self, sub: str, claims: dict[str, Any]) -> None:
        answer = httpx.put(f"{self.issuer}/users/{sub}", json=claims, timeout=10)
        assert answer.status_code == 204, answer.text

    def authorize(self, authorize_url: str, sub: str) -> str:
        """The person signs in as `sub` on the provider's page: the URL the provider sends
        the browser back to (our callback, with code and state)."""
        assert authorize_url.startswith(f"{self.issuer}/"), authorize_url
        answer = httpx.post(authorize_url, data={"sub": sub}, timeout=10)
        assert answer.status_code == 302, answer.text
        return answer.headers["location"]


@contextmanager
def running_oidc_provider() -> Iterator[OidcProvider]:
    with oidc_provider_mock.run_server_in_thread(port=0, require_nonce=True) as server:
        yield OidcProvider(f"http://localhost:{server.server_port}")


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
