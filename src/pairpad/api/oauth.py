"""OAuth / OpenID Connect sign-in routes (team mode). The rules live in accounts/oauth.py;
here the browser's side: redirects, the cookie that binds a sign-in to the browser that
started it, and the session cookies at the end.

Public: start and callback (the browser is not signed in yet). Signed in: the link
confirmation, the list of linked providers, unlinking.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from pairpad.accounts.cookies import set_session_cookies
from pairpad.accounts.oauth import STATE_TTL_S, OAuthService, PendingLink
from pairpad.accounts.settings import TeamSettings
from pairpad.accounts.team_services import team_services
from pairpad.api.openapi import errors
from pairpad.api.signin_common import client_ip, user_agent
from pairpad.api.team_deps import signed_in
from pairpad.auth.identity import Identity

router = APIRouter(prefix="/api/auth/oauth", tags=["oauth"])

# Holds the random key whose digest each sign-in (and a link waiting for confirmation)
# stores: a callback or a confirmation from another browser is refused.
BROWSER_COOKIE = "__Host-pairpad_oauth"
BROWSER_COOKIE_MAX_AGE = 2 * STATE_TTL_S

Me = Annotated[Identity, Depends(signed_in)]
ProviderName = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[a-z0-9][a-z0-9_-]*$")]


def _oauth(request: Request) -> OAuthService:
    return team_services(request).oauth


OAuth = Annotated[OAuthService, Depends(_oauth)]


def base_url(settings: TeamSettings, request: Request) -> str:
    """Where browsers reach this server: the public URL, else the request's own."""
    return (settings.public_url or str(request.base_url)).rstrip("/")


def _keep_browser_key(response: Response, key: str) -> None:
    response.set_cookie(BROWSER_COOKIE, key, max_age=BROWSER_COOKIE_MAX_AGE, path="/",
                        secure=True, httponly=True, samesite="lax")


class LinkConfirm(BaseModel):
    handle: str = Field(min_length=16, max_length=64)


class PendingLinkOut(BaseModel):
    provider: str
    label: str
    email: str
    expires_at: datetime


class LinkedProviderOut(BaseModel):
    provider: str
    label: str
    email: str
    created_at: datetime


class LinkList(BaseModel):
    links: list[LinkedProviderOut]


def _pending_out(link: PendingLink) -> PendingLinkOut:
    return PendingLinkOut(provider=link.provider, label=link.label, email=link.email,
                          expires_at=link.expires_at)


@router.get("/link", responses=errors({401: "Not signed in",
                                       404: "No such link waits for this account"}))
async def pending_link(
    me: Me, oauth: OAuth, handle: Annotated[str, Query(min_length=16, max_length=64)]
) -> PendingLinkOut:
    """What a link waiting for confirmation is (the /account/link page shows it)."""
    return _pending_out(await oauth.pending_link(handle, me.user_id))


@router.post(
    "/link/confirm",
    responses=errors({401: "Not signed in", 403: "Not the browser that signed in with the "
                      "provider", 404: "No such link waits for this account",
                      409: "The provider account is linked already"}),
)
async def confirm_link(body: LinkConfirm, me: Me, oauth: OAuth, request: Request
                       ) -> PendingLinkOut:
    """Link the provider account whose verified email matched this account: only by the
    signed-in owner of the account, in the browser that came back from the provider."""
    link = await oauth.confirm_link(me.user_id, body.handle, request.cookies.get(BROWSER_COOKIE))
    return _pending_out(link)


@router.get("/links", responses=errors({401: "Not signed in"}))
async def linked_providers(me: Me, oauth: OAuth) -> LinkList:
    return LinkList(links=[
        LinkedProviderOut(provider=item.provider, label=item.label, email=item.email,
                          created_at=item.created_at)
        for item in await oauth.links(me.user_id)
    ])


@router.delete(
    "/links/{provider}", status_code=204,
    responses=errors({401: "Not signed in", 404: "Not linked",
                      409: "The account's only way to sign in"}),
)
async def unlink_provider(provider: ProviderName, me: Me, oauth: OAuth) -> Response:
    await oauth.unlink(me.user_id, provider)
    return Response(status_code=204)


@router.get(
    "/{provider}/start", status_code=302, response_class=RedirectResponse,
    responses=errors({400: "`next` is not a path on this site", 404: "No such provider",
                      503: "The provider did not answer"}),
)
async def start(
    provider: ProviderName, request: Request, oauth: OAuth,
    next: Annotated[str | None, Query(max_length=2000)] = None,
) -> RedirectResponse:
    """Redirect to the provider to sign in; it comes back to the callback."""
    services = team_services(request)
    redirect_uri = f"{base_url(services.settings, request)}/api/auth/oauth/{provider}/callback"
    key = request.cookies.get(BROWSER_COOKIE) or secrets.token_urlsafe(32)
    url = await oauth.start(provider, redirect_uri=redirect_uri, next_path=next, browser_key=key)
    response = RedirectResponse(url, status_code=302)
    _keep_browser_key(response, key)
    return response


@router.get(
    "/{provider}/callback", status_code=302, response_class=RedirectResponse,
    responses=errors({400: "Unknown, used or expired state; wrong nonce, issuer or token",
                      403: "Registration is closed", 404: "No such provider",
                      409: "An account has this (unverified) email",
                      503: "The provider did not answer"}),
)
async def callback(provider: ProviderName, request: Request, oauth: OAuth) -> RedirectResponse:
    """The provider's answer: signs in (session cookies) and goes to `next`; or to the
    second factor (/signin?mfa_token=…); or to the link confirmation (/account/link)."""
    key = request.cookies.get(BROWSER_COOKIE)
    outcome = await oauth.finish(provider, dict(request.query_params), browser_key=key)
    services = team_services(request)
    if outcome.link_handle is not None:
        response = RedirectResponse(
            "/account/link?" + urlencode({"handle": outcome.link_handle}), status_code=302
        )
        if key:
            _keep_browser_key(response, key)  # the confirmation must come from this browser
        return response
    assert outcome.user_id is not None
    step = await services.accounts.mfa_challenge(outcome.user_id)
    if step is not None:
        query = {"mfa_token": step.mfa_token, "methods": ",".join(step.methods),
                 "next": outcome.next_path}
        return RedirectResponse("/signin?" + urlencode(query), status_code=302)
    pair = await services.accounts.issue_session(
        outcome.user_id, user_agent(request), client_ip(request), method="oauth"
    )
    response = RedirectResponse(outcome.next_path, status_code=302)
    set_session_cookies(response, pair.access_token, pair.refresh_token, pair.expires_in,
                        pair.refresh_expires_in)
    return response
