"""Where each configured sign-in provider lives: the GitHub preset (github.com, or a GitHub
Enterprise Server named by `issuer`: https://HOST, its API at /api/v3), and OpenID Connect
issuers (Google's preset or any `oidc` issuer) found by discovery, cached with their keys.

Discovery follows OpenID Connect Discovery 1.0 §4.3: the document's `issuer` must be exactly
the configured issuer, else the document is refused (a hijacked or misconfigured URL cannot
make another issuer's tokens acceptable).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx
from joserfc.jwk import KeySet

from pairpad.accounts.settings import OAuthProviderSettings
from pairpad.errors import NotFound, Unavailable

GOOGLE_ISSUER = "https://accounts.google.com"
GITHUB_AUTHORIZE = "https://github.com/login/oauth/authorize"
GITHUB_TOKEN = "https://github.com/login/oauth/access_token"  # noqa: S105 (a URL)
GITHUB_API = "https://api.github.com"
GITHUB_SCOPES = ["read:user", "user:email"]
DEFAULT_OIDC_SCOPES = ["openid", "email", "profile"]
# ID tokens signed with a public key only: `none` and the client-secret HMACs are refused.
ASYMMETRIC_ALGS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
DISCOVERY_TTL_S = 3600.0
HTTP_TIMEOUT_S = 10.0
DEFAULT_LABELS = {"github": "GitHub", "google": "Google"}


@dataclass(frozen=True)
class ProviderEndpoints:
    kind: str  # oidc | github
    authorize: str
    token: str
    issuer: str | None  # OpenID Connect: the exact `iss`; GitHub: None
    jwks_uri: str | None
    userinfo: str | None
    api: str | None  # GitHub's REST API root (who signed in: GitHub issues no ID token)
    id_token_algs: tuple[str, ...]
    # RFC 9207: the provider says it always sends `iss` with the authorization response.
    iss_param_required: bool
    token_auth_method: str  # client_secret_basic | client_secret_post | none
    scopes: tuple[str, ...]


def label_of(provider: OAuthProviderSettings) -> str:
    return provider.label or DEFAULT_LABELS.get(provider.kind) or provider.name


def issuer_of(provider: OAuthProviderSettings) -> str | None:
    if provider.kind == "google":
        return provider.issuer or GOOGLE_ISSUER
    if provider.kind == "oidc":
        return provider.issuer
    return None


class ProviderDirectory:
    """The configured providers by name, with their endpoints and signing keys cached."""

    def __init__(self, providers: list[OAuthProviderSettings]) -> None:
        self._providers = {provider.name: provider for provider in providers}
        self._endpoints: dict[str, tuple[float, ProviderEndpoints]] = {}
        self._keys: dict[str, tuple[float, KeySet]] = {}
        self._lock = asyncio.Lock()

    def all(self) -> list[OAuthProviderSettings]:
        return list(self._providers.values())

    def get(self, name: str) -> OAuthProviderSettings:
        provider = self._providers.get(name)
        if provider is None:
            raise NotFound(f"No sign-in provider named {name!r} is configured.")
        return provider

    async def endpoints(self, provider: OAuthProviderSettings) -> ProviderEndpoints:
        cached = self._endpoints.get(provider.name)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        if provider.kind == "github":
            endpoints = _github(provider)
        else:
            issuer = issuer_of(provider)
            if not issuer:
                raise Unavailable(f"Sign-in provider {provider.name!r} has no issuer configured.")
            document = await _get_json(_discovery_url(issuer), provider.name)
            endpoints = _from_discovery(provider, issuer, document)
        self._endpoints[provider.name] = (time.monotonic() + DISCOVERY_TTL_S, endpoints)
        return endpoints

    async def keys(self, provider: OAuthProviderSettings, *, refresh: bool = False) -> KeySet:
        """The issuer's JWKS; `refresh` refetches it (a key rotated since it was cached)."""
        async with self._lock:
            cached = self._keys.get(provider.name)
            if cached is not None and not refresh and cached[0] > time.monotonic():
                return cached[1]
            endpoints = await self.endpoints(provider)
            if not endpoints.jwks_uri:
                raise Unavailable(f"Sign-in provider {provider.name!r} publishes no jwks_uri.")
            document = await _get_json(endpoints.jwks_uri, provider.name)
            try:
                keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
            except Exception as error:  # a malformed set signs nothing
                raise Unavailable(
                    f"Sign-in provider {provider.name!r} sent unusable keys."
                ) from error
            self._keys[provider.name] = (time.monotonic() + DISCOVERY_TTL_S, keys)
            return keys


def _discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def _github(provider: OAuthProviderSettings) -> ProviderEndpoints:
    scopes = provider.scopes if provider.scopes != DEFAULT_OIDC_SCOPES else GITHUB_SCOPES
    authorize, token, api = GITHUB_AUTHORIZE, GITHUB_TOKEN, GITHUB_API
    if provider.issuer:  # GitHub Enterprise Server
        base = provider.issuer.rstrip("/")
        authorize, token = f"{base}/login/oauth/authorize", f"{base}/login/oauth/access_token"
        api = f"{base}/api/v3"
    return ProviderEndpoints(
        kind="github", authorize=authorize, token=token, issuer=None,
        jwks_uri=None, userinfo=None, api=api, id_token_algs=(),
        iss_param_required=False, token_auth_method="client_secret_post",  # noqa: S106
        scopes=tuple(scopes),
    )


def _from_discovery(
    provider: OAuthProviderSettings, issuer: str, document: dict[str, Any]
) -> ProviderEndpoints:
    if document.get("issuer") != issuer:
        raise Unavailable(
            f"Sign-in provider {provider.name!r}: the discovery document names the issuer "
            f"{document.get('issuer')!r}, not the configured {issuer!r}."
        )
    authorize, token = document.get("authorization_endpoint"), document.get("token_endpoint")
    if not isinstance(authorize, str) or not isinstance(token, str):
        raise Unavailable(f"Sign-in provider {provider.name!r}: discovery lacks endpoints.")
    offered = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    algs = tuple(alg for alg in offered if alg in ASYMMETRIC_ALGS) or ("RS256",)
    methods = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    if not provider.client_secret:
        method = "none"  # a public client: PKCE alone binds the code
    elif "client_secret_basic" in methods:
        method = "client_secret_basic"
    else:
        method = "client_secret_post"
    jwks_uri, userinfo = document.get("jwks_uri"), document.get("userinfo_endpoint")
    return ProviderEndpoints(
        kind="oidc", authorize=authorize, token=token, issuer=issuer,
        jwks_uri=jwks_uri if isinstance(jwks_uri, str) else None,
        userinfo=userinfo if isinstance(userinfo, str) else None, api=None,
        id_token_algs=algs,
        iss_param_required=document.get("authorization_response_iss_parameter_supported") is True,
        token_auth_method=method, scopes=tuple(provider.scopes),
    )


async def _get_json(url: str, name: str) -> dict[str, Any]:
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_S) as client:
            response = await client.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            document = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise Unavailable(f"Sign-in provider {name!r} did not answer at {url}: {error}") from error
    if not isinstance(document, dict):
        raise Unavailable(f"Sign-in provider {name!r} sent no JSON object at {url}.")
    return document
