"""The provider side of an OAuth callback: the code exchanged (with the PKCE verifier) and
who signed in — from the ID token of an OpenID Connect issuer (signature against its JWKS,
`iss`, `aud`, `azp`, `exp`, `iat`, `nonce`, `at_hash`), or from GitHub's API (the user and
its verified primary email: GitHub issues no ID token).
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from typing import Any

from authlib.integrations.base_client.errors import OAuthError  # type: ignore[import-untyped]
from authlib.integrations.httpx_client import AsyncOAuth2Client  # type: ignore[import-untyped]
from authlib.oidc.core import CodeIDToken  # type: ignore[import-untyped]
from joserfc import jwt
from joserfc.errors import (
    ClaimError,
    ExpiredTokenError,
    InvalidKeyIdError,
    JoseError,
)
from joserfc.jws import JWSRegistry

from pairpad.accounts.oauth_providers import (
    HTTP_TIMEOUT_S,
    ProviderDirectory,
    ProviderEndpoints,
)
from pairpad.accounts.settings import OAuthProviderSettings
from pairpad.errors import BadRequest, Unavailable

log = logging.getLogger(__name__)
# Clock difference tolerated between the provider and this server for `exp`/`iat`.
LEEWAY_S = 60


@dataclass(frozen=True)
class ProviderIdentity:
    subject: str
    email: str  # lower-cased; "" when the provider shared none
    email_verified: bool
    name: str


def oauth_client(
    provider: OAuthProviderSettings, endpoints: ProviderEndpoints, redirect_uri: str
) -> Any:
    return AsyncOAuth2Client(
        client_id=provider.client_id,
        client_secret=provider.client_secret or None,
        token_endpoint_auth_method=endpoints.token_auth_method,
        scope=" ".join(endpoints.scopes),
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=HTTP_TIMEOUT_S,
    )


async def exchange(
    directory: ProviderDirectory,
    provider: OAuthProviderSettings,
    *,
    code: str,
    redirect_uri: str,
    verifier: str,
    nonce: str,
) -> ProviderIdentity:
    endpoints = await directory.endpoints(provider)
    async with oauth_client(provider, endpoints, redirect_uri) as client:
        try:
            token = await client.fetch_token(
                endpoints.token, grant_type="authorization_code", code=code,
                redirect_uri=redirect_uri, code_verifier=verifier,
            )
        except OAuthError as error:
            raise BadRequest(
                f"{provider.name} refused the sign-in code ({error.error}: "
                f"{error.description or 'no description'}): start the sign-in again."
            ) from error
        except Exception as error:  # the provider did not answer (network, 5xx, not JSON)
            log.warning("token exchange with %s failed", provider.name, exc_info=error)
            raise Unavailable(f"{provider.name} did not answer the code exchange.") from error
        if endpoints.kind == "github":
            return await _github_identity(client, str(endpoints.api), provider.name)
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise BadRequest(f"{provider.name} returned no ID token (is `openid` a scope?).")
        claims = await _verified_id_token(
            directory, provider, endpoints, id_token, nonce, str(token.get("access_token", ""))
        )
        if "email" not in claims and endpoints.userinfo:
            claims = {**await _userinfo(client, endpoints.userinfo, provider.name),
                      **claims}
    return ProviderIdentity(
        subject=str(claims["sub"]),
        email=_email(claims.get("email")),
        email_verified=claims.get("email_verified") in (True, "true"),
        name=str(claims.get("name") or claims.get("preferred_username") or "")[:200],
    )


async def _verified_id_token(
    directory: ProviderDirectory,
    provider: OAuthProviderSettings,
    endpoints: ProviderEndpoints,
    id_token: str,
    nonce: str,
    access_token: str,
) -> dict[str, Any]:
    registry = JWSRegistry(algorithms=list(endpoints.id_token_algs))
    try:
        try:
            keys = await directory.keys(provider)
            decoded = jwt.decode(id_token, keys, registry=registry)
        except InvalidKeyIdError:  # the issuer rotated its keys since they were cached
            keys = await directory.keys(provider, refresh=True)
            decoded = jwt.decode(id_token, keys, registry=registry)
    except JoseError as error:
        raise BadRequest(
            f"The ID token from {provider.name} is not validly signed ({error.error})."
        ) from error
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        {
            "iss": {"essential": True, "value": endpoints.issuer},
            "aud": {"essential": True, "value": provider.client_id},
            "exp": {"essential": True},
            "sub": {"essential": True},
        },
        {"client_id": provider.client_id, "access_token": access_token},
    )
    try:
        claims.validate(leeway=LEEWAY_S)
    except ExpiredTokenError as error:
        raise BadRequest(f"The ID token from {provider.name} has expired.") from error
    except ClaimError as error:
        raise BadRequest(
            f"The ID token from {provider.name} has a wrong or missing `{error.claim}`."
        ) from error
    # The nonce ties the ID token to this browser's sign-in (checked here, not by the claims
    # class, so that a missing nonce is refused too).
    given = claims.get("nonce")
    if not isinstance(given, str) or not hmac.compare_digest(given.encode(), nonce.encode()):
        raise BadRequest(
            f"The ID token from {provider.name} does not carry this sign-in's nonce: "
            "it was issued for another sign-in. Start the sign-in again."
        )
    return dict(claims)


async def _userinfo(client: Any, url: str, name: str) -> dict[str, Any]:
    try:
        response = await client.get(url)
        response.raise_for_status()
        document = response.json()
    except Exception as error:  # userinfo only adds the email: without it, none is known
        log.warning("userinfo of %s failed", name, exc_info=error)
        return {}
    return document if isinstance(document, dict) else {}


async def _github_identity(client: Any, api: str, name: str) -> ProviderIdentity:
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    try:
        user_response = await client.get(f"{api}/user", headers=headers)
        user_response.raise_for_status()
        user = user_response.json()
        emails_response = await client.get(f"{api}/user/emails", headers=headers)
        emails_response.raise_for_status()
        emails = emails_response.json()
    except Exception as error:
        log.warning("GitHub user API failed", exc_info=error)
        raise Unavailable(f"{name} did not answer who signed in.") from error
    if not isinstance(user, dict) or "id" not in user:
        raise Unavailable(f"{name} answered without a user id.")
    primary = next(
        (item for item in emails if isinstance(item, dict) and item.get("primary")), None
    ) if isinstance(emails, list) else None
    return ProviderIdentity(
        subject=str(user["id"]),
        email=_email(primary.get("email")) if primary else "",
        email_verified=bool(primary and primary.get("verified") is True),
        name=str(user.get("name") or user.get("login") or "")[:200],
    )


def _email(value: object) -> str:
    return value.strip().lower() if isinstance(value, str) and "@" in value else ""
