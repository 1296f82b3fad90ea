"""The browser's session cookies: `__Host-` names (Path=/, Secure, no Domain: only this
origin ever receives them), HttpOnly (scripts never see the tokens), SameSite=Lax. Setting a
session also sets a fresh `_xsrf` cookie for the double-submit check of cookie writes."""

from __future__ import annotations

from starlette.responses import Response

from pairpad.auth.local_token import XSRF_COOKIE, new_xsrf_value

ACCESS_COOKIE = "__Host-pairpad_access"
REFRESH_COOKIE = "__Host-pairpad_refresh"


def set_session_cookies(
    response: Response, access: str, refresh: str, access_ttl: int, refresh_ttl: int
) -> None:
    response.set_cookie(ACCESS_COOKIE, access, max_age=access_ttl, path="/", secure=True,
                        httponly=True, samesite="lax")
    response.set_cookie(REFRESH_COOKIE, refresh, max_age=refresh_ttl, path="/", secure=True,
                        httponly=True, samesite="lax")
    # Read by the UI (not HttpOnly) and echoed in X-XSRF-Token on writes.
    response.set_cookie(XSRF_COOKIE, new_xsrf_value(), max_age=refresh_ttl, path="/",
                        secure=True, httponly=False, samesite="lax")


def clear_session_cookies(response: Response) -> None:
    for name in (ACCESS_COOKIE, REFRESH_COOKIE):
        response.delete_cookie(name, path="/", secure=True, httponly=True, samesite="lax")
