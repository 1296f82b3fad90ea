"""Team mode's settings (`pairpad serve`): the database, the workspaces root, the public URL,
token lifetimes and sign-in providers."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, Field


class OAuthProviderSettings(BaseModel):
    """An OAuth / OpenID Connect sign-in provider. `kind` github|google use their presets;
    `oidc` discovers everything from `issuer` (its /.well-known/openid-configuration)."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")
    kind: str = Field(default="oidc", pattern=r"^(oidc|github|google)$")
    label: str = ""
    issuer: str | None = None
    client_id: str
    client_secret: str = ""
    scopes: list[str] = Field(default_factory=lambda: ["openid", "email", "profile"])


class TeamSettings(BaseModel):
    database_url: str
    redis_url: str | None = None
    workspaces_dir: Path
    # Where browsers reach the server (cookies' Secure flag, WebAuthn's relying party, OAuth
    # redirect URIs); default: http://HOST:PORT/ as bound.
    public_url: str | None = None
    # The access tokens' `iss`: the --public-url when given, else a fixed name, never the
    # address one instance happens to be bound to (several instances must agree on it).
    token_issuer: str | None = None
    access_ttl_s: int = Field(default=15 * 60, ge=60, le=3600)
    refresh_ttl_s: int = Field(default=30 * 24 * 3600, ge=3600)
    # Language servers run as the server's user, outside the sandbox, and some run code a
    # workspace names (pyright's Python interpreter): off unless the operator trusts every team.
    language_servers: bool = False
    open_registration: bool = True  # anyone may sign up (else: admins and invitations only)
    oauth: list[OAuthProviderSettings] = Field(default_factory=list)

    def secure_cookies(self) -> bool:
        return bool(self.public_url) and urlsplit(self.public_url or "").scheme == "https"
