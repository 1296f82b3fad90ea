"""What the OAuth and passkey routes share: the client's address and agent for the sessions
page, and the tokens answer of a finished sign-in (JSON for API clients, cookies for the
browser: `"cookie": true`)."""

from __future__ import annotations

from fastapi import Request, Response

from pairpad.accounts.cookies import set_session_cookies
from pairpad.accounts.service import TokenPair
from pairpad.api.auth import TokenAnswer as SignedIn

__all__ = ["SignedIn", "client_ip", "signed_in_answer", "user_agent"]


def user_agent(request: Request) -> str:
    return request.headers.get("user-agent", "")


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def signed_in_answer(pair: TokenPair, response: Response, *, cookie: bool) -> SignedIn:
    """As `POST /api/auth/login`: with `cookie` the tokens go into the session cookies only
    (scripts never see them) and the JSON's tokens are null."""
    if cookie:
        set_session_cookies(response, pair.access_token, pair.refresh_token, pair.expires_in,
                            pair.refresh_expires_in)
        return SignedIn(access_token=None, refresh_token=None, expires_in=pair.expires_in)
    return SignedIn(access_token=pair.access_token, refresh_token=pair.refresh_token,
                    expires_in=pair.expires_in)
