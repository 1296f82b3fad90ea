"""Passkey (WebAuthn) routes (team mode). The rules live in accounts/passkeys.py.

Signed in: registration options and verification, the list, removal. Public: sign-in
options and verification — passwordless (no mfa_token: a discoverable passkey names its
user) or as the second step of a password login (with its mfa_token).

Options are the JSON form of PublicKeyCredentialCreationOptions / RequestOptions (give them
to the browser after decoding the base64url fields); a credential is the JSON form of the
PublicKeyCredential the browser returns (`PublicKeyCredential.toJSON()`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, Field

from pairpad.accounts.passkeys import PasskeyInfo, PasskeyService
from pairpad.accounts.team_services import team_services
from pairpad.api.openapi import errors
from pairpad.api.signin_common import SignedIn, client_ip, signed_in_answer, user_agent
from pairpad.api.team_deps import signed_in
from pairpad.auth.identity import Identity

router = APIRouter(prefix="/api/auth/passkeys", tags=["passkeys"])

Me = Annotated[Identity, Depends(signed_in)]


def _passkeys(request: Request) -> PasskeyService:
    return team_services(request).passkeys


Passkeys = Annotated[PasskeyService, Depends(_passkeys)]


def _origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


class RegisterVerify(BaseModel):
    credential: dict[str, Any] = Field(description="PublicKeyCredential.toJSON() of create()")
    name: str = Field(default="", max_length=100, description="Shown in the passkey list")


class LoginOptionsBody(BaseModel):
    mfa_token: str | None = Field(default=None, max_length=2000,
                                  description="The login's second step; none: passwordless")


class LoginVerify(BaseModel):
    credential: dict[str, Any] = Field(description="PublicKeyCredential.toJSON() of get()")
    mfa_token: str | None = Field(default=None, max_length=2000)
    cookie: bool = False


class PasskeyOut(BaseModel):
    id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    transports: list[str]


class PasskeyList(BaseModel):
    passkeys: list[PasskeyOut]


def _out(item: PasskeyInfo) -> PasskeyOut:
    return PasskeyOut(id=item.id, name=item.name, created_at=item.created_at,
                      last_used_at=item.last_used_at, transports=item.transports)


@router.post("/register/options", responses=errors({401: "Not signed in"}))
async def register_options(me: Me, passkeys: Passkeys, request: Request) -> dict[str, Any]:
    """Options for navigator.credentials.create() (the challenge is valid 5 minutes, once)."""
    return await passkeys.registration_options(me.user_id, passkeys.relying_party(_origin(request)))


@router.post(
    "/register/verify", status_code=201,
    responses=errors({400: "Unknown or used challenge; the credential does not verify",
                      401: "Not signed in", 409: "Registered already"}),
)
async def register_verify(body: RegisterVerify, me: Me, passkeys: Passkeys) -> PasskeyOut:
    return _out(await passkeys.register(me.user_id, body.credential, body.name))


@router.get("", responses=errors({401: "Not signed in"}))
async def list_passkeys(me: Me, passkeys: Passkeys) -> PasskeyList:
    return PasskeyList(passkeys=[_out(item) for item in await passkeys.of_user(me.user_id)])


@router.delete("/{passkey_id}", status_code=204,
               responses=errors({401: "Not signed in", 404: "No such passkey"}))
async def delete_passkey(
    passkey_id: Annotated[str, Path(min_length=1, max_length=64)], me: Me, passkeys: Passkeys
) -> Response:
    await passkeys.remove(me.user_id, passkey_id)
    return Response(status_code=204)


@router.post("/login/options",
             responses=errors({400: "The account has no passkey", 401: "Expired mfa token"}))
async def login_options(body: LoginOptionsBody, passkeys: Passkeys, request: Request
                        ) -> dict[str, Any]:
    """Options for navigator.credentials.get(): for the login's user (`mfa_token`), or for
    any discoverable passkey of this server (passwordless)."""
    user_id = None
    if body.mfa_token:
        user_id = await team_services(request).accounts.user_from_mfa_token(body.mfa_token)
    rp = passkeys.relying_party(_origin(request))
    return await passkeys.authentication_options(rp, user_id)


@router.post(
    "/login/verify",
    responses=errors({400: "Unknown, used or other user's challenge",
                      401: "The passkey does not verify (or its counter went backwards)"}),
)
async def login_verify(body: LoginVerify, passkeys: Passkeys, request: Request,
                       response: Response) -> SignedIn:
    """The tokens, as `POST /api/auth/login` (with `cookie`: as session cookies)."""
    accounts = team_services(request).accounts
    user_id = await accounts.user_from_mfa_token(body.mfa_token) if body.mfa_token else None
    signed = await passkeys.authenticate(body.credential, user_id)
    pair = await accounts.issue_session(signed, user_agent(request), client_ip(request),
                                        method="passkey+password" if user_id else "passkey")
    return signed_in_answer(pair, response, cookie=body.cookie)
