"""Team mode's account routes (/api/auth): sign-up, sign-in with a second factor, token
refresh, sign-out, the account page (password, TOTP, recovery codes, sessions) and the
email links. Browsers send `"cookie": true` and get the tokens as HttpOnly cookies (the JSON
then carries null tokens); API clients get them in the JSON and send `Authorization: Bearer`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from pairpad.accounts.cookies import (
    ACCESS_COOKIE,
    REFRESH_COOKIE,
    clear_session_cookies,
    set_session_cookies,
)
from pairpad.accounts.errors import TooManyAttempts, Unauthorized
from pairpad.accounts.service import AccountService, MfaRequired, TokenPair
from pairpad.accounts.team_services import TeamServices, team_services
from pairpad.api.openapi import errors
from pairpad.api.team_deps import signed_in
from pairpad.auth.identity import Identity, bearer_token

router = APIRouter(prefix="/api/auth", tags=["auth"])
SignedIn = Annotated[Identity, Depends(signed_in)]

# Bounds on what a client may send (passwords are checked for length by the policy).
_PASSWORD = Field(max_length=1024)
_TOKEN = Field(min_length=1, max_length=512)
_PAUSED = "Too many failed attempts from this address or on this account: wait (Retry-After)"


class RegisterBody(BaseModel):
    email: str = Field(max_length=320)
    password: str = _PASSWORD
    display_name: str = Field(default="", max_length=200)


class RegisterAnswer(BaseModel):
    status: str
    email: str


class LoginBody(BaseModel):
    email: str = Field(max_length=320)
    password: str = _PASSWORD
    cookie: bool = False


class TokenAnswer(BaseModel):
    access_token: str | None
    refresh_token: str | None
    token_type: Literal["bearer"] = "bearer"  # noqa: S105  (the scheme, not a secret)
    expires_in: int


class MfaAnswer(BaseModel):
    mfa_required: Literal[True] = True
    mfa_token: str
    methods: list[str]


class MfaBody(BaseModel):
    mfa_token: str = Field(min_length=1, max_length=2048)
    code: str = Field(min_length=1, max_length=64)
    cookie: bool = False


class RefreshBody(BaseModel):
    refresh_token: str | None = Field(default=None, max_length=512)
    cookie: bool = False


class LogoutBody(BaseModel):
    refresh_token: str | None = Field(default=None, max_length=512)


class StatusAnswer(BaseModel):
    status: str


class TeamRef(BaseModel):
    id: str
    name: str
    role: str


class PasskeyRef(BaseModel):
    id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None


class MeAnswer(BaseModel):
    id: str
    email: str
    display_name: str
    email_verified: bool
    is_admin: bool
    totp_enabled: bool
    has_password: bool
    passkeys: list[PasskeyRef]
    teams: list[TeamRef]


class OAuthRef(BaseModel):
    name: str
    label: str


class ConfigAnswer(BaseModel):
    mode: Literal["team"] = "team"
    open_registration: bool
    oauth: list[OAuthRef]
    passkeys: bool = True


class TotpSetupAnswer(BaseModel):
    secret: str
    otpauth_uri: str
    qr_svg: str


class CodeBody(BaseModel):
    code: str = Field(min_length=1, max_length=64)


class TotpDisableBody(BaseModel):
    password: str | None = Field(default=None, max_length=1024)
    code: str | None = Field(default=None, max_length=64)


class RecoveryCodesAnswer(BaseModel):
    recovery_codes: list[str]


class SessionRef(BaseModel):
    id: str
    created_at: datetime
    last_used_at: datetime
    user_agent: str
    ip: str
    current: bool


class SessionsAnswer(BaseModel):
    sessions: list[SessionRef]


class PasswordChangeBody(BaseModel):
    current_password: str = Field(default="", max_length=1024)
    new_password: str = _PASSWORD
    cookie: bool = False


class ForgotBody(BaseModel):
    email: str = Field(max_length=320)


class ResetBody(BaseModel):
    token: str = _TOKEN
    password: str = _PASSWORD


class VerifyEmailBody(BaseModel):
    token: str = _TOKEN


def _services(request: Request) -> TeamServices:
    return team_services(request)


def _accounts(request: Request) -> AccountService:
    return team_services(request).accounts


def _client(request: Request) -> tuple[str, str]:
    user_agent = request.headers.get("user-agent", "")
    ip = request.client.host if request.client else ""
    return user_agent, ip


@contextmanager
def _retry_after() -> Iterator[None]:
    """A paused sign-in is 429 with Retry-After."""
    try:
        yield
    except TooManyAttempts as error:
        raise HTTPException(
            429, error.detail, headers={"Retry-After": str(error.retry_after_s)}
        ) from error


def _tokens(pair: TokenPair, response: Response, cookie: bool) -> TokenAnswer:
    if not cookie:
        return TokenAnswer(access_token=pair.access_token, refresh_token=pair.refresh_token,
                           expires_in=pair.expires_in)
    set_session_cookies(response, pair.access_token, pair.refresh_token, pair.expires_in,
                        pair.refresh_expires_in)
    return TokenAnswer(access_token=None, refresh_token=None, expires_in=pair.expires_in)


def _access_token_of(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header:
        return bearer_token(header)
    return request.cookies.get(ACCESS_COOKIE)


def _field(item: Any, name: str) -> str:
    value = item.get(name) if isinstance(item, dict) else getattr(item, name, "")
    return str(value or "")


@router.get("/config", response_model=ConfigAnswer)
async def config(request: Request) -> ConfigAnswer:
    settings = _services(request).settings
    providers = [
        OAuthRef(name=provider.name, label=provider.label or provider.name.title())
        for provider in settings.oauth
    ]
    return ConfigAnswer(open_registration=settings.open_registration, oauth=providers)


@router.post("/register", response_model=RegisterAnswer, status_code=201, responses=errors({
    403: "Sign-up is closed on this server", 422: "Not an email address, or a weak password"}))
async def register(body: RegisterBody, request: Request) -> RegisterAnswer:
    """The same answer whether or not the email already has an account (no enumeration):
    a new account is created and mailed a verification link; an existing one is mailed a
    notice. Sign in right after with the password."""
    services = _services(request)
    await services.accounts.register(
        body.email, body.password, body.display_name,
        base_url=services.settings.public_url or str(request.base_url),
    )
    return RegisterAnswer(status="check your email", email=body.email.strip().lower())


@router.post("/login", response_model=TokenAnswer | MfaAnswer, responses=errors({
    401: "Wrong email or password", 429: _PAUSED}))
async def login(body: LoginBody, request: Request, response: Response
                ) -> TokenAnswer | MfaAnswer:
    user_agent, ip = _client(request)
    with _retry_after():
        result = await _accounts(request).login(body.email, body.password,
                                                user_agent=user_agent, ip=ip)
    if isinstance(result, MfaRequired):
        return MfaAnswer(mfa_token=result.mfa_token, methods=result.methods)
    return _tokens(result, response, body.cookie)


@router.post("/mfa/verify", response_model=TokenAnswer, responses=errors({
    401: "Wrong code, or the mfa token expired: sign in again", 429: _PAUSED}))
async def mfa_verify(body: MfaBody, request: Request, response: Response) -> TokenAnswer:
    user_agent, ip = _client(request)
    with _retry_after():
        pair = await _accounts(request).verify_mfa(body.mfa_token, body.code,
                                                   user_agent=user_agent, ip=ip)
    return _tokens(pair, response, body.cookie)


@router.post("/refresh", response_model=TokenAnswer, responses=errors({
    401: "No, an expired, revoked or reused refresh token: sign in again"}))
async def refresh(body: RefreshBody, request: Request, response: Response
                  ) -> TokenAnswer | JSONResponse:
    """A new pair for a refresh token (from the body, else the refresh cookie). A token used
    before revokes its whole sign-in (401)."""
    from_cookie = body.refresh_token is None
    token = body.refresh_token or request.cookies.get(REFRESH_COOKIE)
    cookie = body.cookie or from_cookie
    user_agent, ip = _client(request)
    try:
        if not token:
            raise Unauthorized("No refresh token: sign in again.")
        pair = await _accounts(request).refresh(token, user_agent=user_agent, ip=ip)
    except Unauthorized as error:
        refused = JSONResponse({"detail": error.detail}, status_code=401)
        if cookie:
            clear_session_cookies(refused)
        return refused
    return _tokens(pair, response, cookie)


@router.post("/logout", response_model=StatusAnswer)
async def logout(body: LogoutBody, request: Request, response: Response,
                 identity: SignedIn) -> StatusAnswer:
    """Ends this sign-in (its refresh family) and clears the cookies. Its access token is
    refused at once, on every instance (each request checks its session)."""
    accounts = _accounts(request)
    token = body.refresh_token or request.cookies.get(REFRESH_COOKIE)
    current = accounts.session_id_of(_access_token_of(request))
    await accounts.logout(identity.user_id, token, current)
    clear_session_cookies(response)
    return StatusAnswer(status="signed out")


@router.post("/logout-all", response_model=StatusAnswer)
async def logout_all(request: Request, response: Response,
                     identity: SignedIn) -> StatusAnswer:
    """Sign out everywhere: every session revoked, every access token refused at once."""
    await _accounts(request).logout_all(identity.user_id)
    clear_session_cookies(response)
    return StatusAnswer(status="signed out everywhere")


@router.get("/me", response_model=MeAnswer)
async def me(request: Request, identity: SignedIn) -> MeAnswer:
    services = _services(request)
    overview = await services.accounts.me(identity.user_id)
    teams: list[TeamRef] = []
    team_service = getattr(services, "teams", None)  # None until the teams service is wired
    if team_service is not None:
        teams = [
            TeamRef(id=_field(item, "id"), name=_field(item, "name"), role=_field(item, "role"))
            for item in await team_service.teams_of(identity.user_id)
        ]
    user = overview.user
    return MeAnswer(
        id=user.id, email=user.email, display_name=user.display_name,
        email_verified=user.email_verified, is_admin=user.is_admin,
        totp_enabled=user.totp_enabled, has_password=user.has_password,
        passkeys=[
            PasskeyRef(id=key.id, name=key.name, created_at=key.created_at,
                       last_used_at=key.last_used_at)
            for key in overview.passkeys
        ],
        teams=teams,
    )


@router.post("/totp/setup", response_model=TotpSetupAnswer,
             responses=errors({409: "Two-factor authentication is on already"}))
async def totp_setup(request: Request, identity: SignedIn
                     ) -> TotpSetupAnswer:
    """A new secret and its QR code (SVG); TOTP is on only after /totp/enable."""
    enrolment = await _accounts(request).totp_setup(identity.user_id)
    return TotpSetupAnswer(secret=enrolment.secret, otpauth_uri=enrolment.otpauth_uri,
                           qr_svg=enrolment.qr_svg)


@router.post("/totp/enable", response_model=RecoveryCodesAnswer, responses=errors({
    400: "No setup started, or a wrong code", 409: "Two-factor authentication is on already"}))
async def totp_enable(body: CodeBody, request: Request,
                      identity: SignedIn) -> RecoveryCodesAnswer:
    codes = await _accounts(request).totp_enable(identity.user_id, body.code)
    return RecoveryCodesAnswer(recovery_codes=codes)


@router.post("/totp/disable", response_model=StatusAnswer, responses=errors({
    400: "Two-factor authentication is not on", 403: "Wrong password or code",
    422: "Neither a password nor a code", 429: _PAUSED}))
async def totp_disable(body: TotpDisableBody, request: Request,
                       identity: SignedIn) -> StatusAnswer:
    _user_agent, ip = _client(request)
    with _retry_after():
        await _accounts(request).totp_disable(identity.user_id, password=body.password,
                                              code=body.code, ip=ip)
    return StatusAnswer(status="two-factor authentication is off")


@router.post("/recovery-codes", response_model=RecoveryCodesAnswer,
             responses=errors({400: "Two-factor authentication is not on"}))
async def recovery_codes(request: Request, identity: SignedIn
                         ) -> RecoveryCodesAnswer:
    """Ten new recovery codes; the old ones stop working."""
    codes = await _accounts(request).regenerate_recovery_codes(identity.user_id)
    return RecoveryCodesAnswer(recovery_codes=codes)


@router.get("/sessions", response_model=SessionsAnswer)
async def sessions(request: Request, identity: SignedIn) -> SessionsAnswer:
    accounts = _accounts(request)
    current = accounts.session_id_of(_access_token_of(request))
    return SessionsAnswer(sessions=[
        SessionRef(id=item.id, created_at=item.created_at, last_used_at=item.last_used_at,
                   user_agent=item.user_agent, ip=item.ip, current=item.id == current)
        for item in await accounts.list_sessions(identity.user_id)
    ])


@router.delete("/sessions/{session_id}", response_model=StatusAnswer,
               responses=errors({404: "No such session of this account"}))
async def revoke_session(session_id: str, request: Request,
                         identity: SignedIn) -> StatusAnswer:
    await _accounts(request).revoke_session(identity.user_id, session_id)
    return StatusAnswer(status="revoked")


@router.post("/password/change", response_model=TokenAnswer, responses=errors({
    403: "The current password is wrong", 422: "A weak new password", 429: _PAUSED}))
async def password_change(body: PasswordChangeBody, request: Request, response: Response,
                          identity: SignedIn) -> TokenAnswer:
    """Every other session ends; this one continues with the new tokens answered (as cookies
    when signed in with cookies)."""
    user_agent, ip = _client(request)
    with _retry_after():
        pair = await _accounts(request).change_password(
            identity.user_id, body.current_password, body.new_password,
            user_agent=user_agent, ip=ip,
        )
    cookie = body.cookie or identity.via == "cookie"
    return _tokens(pair, response, cookie)


@router.post("/password/forgot", response_model=StatusAnswer, status_code=202)
async def password_forgot(body: ForgotBody, request: Request) -> StatusAnswer:
    """Always 202: whether the email has an account is not told."""
    services = _services(request)
    base_url = services.settings.public_url or str(request.base_url)
    await services.accounts.forgot_password(body.email, base_url)
    return StatusAnswer(status="If this email has an account, a reset link was sent to it.")


@router.post("/password/reset", response_model=StatusAnswer, responses=errors({
    400: "Invalid, used or expired link", 422: "A weak password"}))
async def password_reset(body: ResetBody, request: Request) -> StatusAnswer:
    """A new password from the emailed link; every session of the account ends."""
    await _accounts(request).reset_password(body.token, body.password)
    return StatusAnswer(status="password changed: sign in with the new password")


@router.post("/verify-email", response_model=StatusAnswer,
             responses=errors({400: "Invalid, used or expired link"}))
async def verify_email(body: VerifyEmailBody, request: Request) -> StatusAnswer:
    await _accounts(request).verify_email(body.token)
    return StatusAnswer(status="email verified")


@router.post("/verify-email/resend", response_model=StatusAnswer, status_code=202)
async def verify_email_resend(request: Request, identity: SignedIn
                              ) -> StatusAnswer:
    services = _services(request)
    base_url = services.settings.public_url or str(request.base_url)
    await services.accounts.send_verification(identity.user_id, base_url)
    return StatusAnswer(status="verification mail sent")
