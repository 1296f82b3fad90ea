"""The account routes (api/auth.py) over HTTP on SQLite and PostgreSQL: sign-up, sign-in,
lockout, forged and misused tokens, refresh rotation and reuse, TOTP, recovery codes,
sessions, sign-out everywhere, password reset and email verification, no enumeration."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import jwt
import pyotp
import pytest
from argon2 import PasswordHasher
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from sqlalchemy import func, select, update
from structlog.testing import capture_logs

from pairpad.accounts import passwords
from pairpad.accounts.clock import utcnow
from pairpad.accounts.cookies import ACCESS_COOKIE, REFRESH_COOKIE
from pairpad.accounts.mailer import LogMailer, RecordingMailer
from pairpad.accounts.server_secrets import JWT_SIGNING_KEY
from pairpad.accounts.service import AccountService
from pairpad.accounts.settings import TeamSettings
from pairpad.accounts.teams import TeamService
from pairpad.api.auth import router
from pairpad.app import install_error_handlers
from pairpad.auth.identity import bearer_token, parse_cookies
from pairpad.storage.db import Database
from pairpad.storage.team_tables import (
    EmailTokenRow,
    RefreshTokenRow,
    ServerSecretRow,
    UserRow,
)
from tests.support.team_db import DATABASES, migrated_database, unique_email

PUBLIC_URL = "https://pairpad.example.com"
PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a different long passphrase 7"

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BearerIdentity:
    """Stands in for the team security middleware: the identity of the Bearer token (or the
    access cookie), resolved by AccountService.identity_from_access_token."""

    def __init__(self, app: ASGIApp, accounts: AccountService) -> None:
        self.app = app
        self.accounts = accounts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = {k.decode(): v.decode() for k, v in scope["headers"]}
            identity = None
            if "authorization" in headers:
                token = bearer_token(headers["authorization"])
                if token:
                    identity = await self.accounts.identity_from_access_token(token, "bearer")
            elif ACCESS_COOKIE in parse_cookies(headers.get("cookie")):
                access = parse_cookies(headers.get("cookie"))[ACCESS_COOKIE]
                identity = await self.accounts.identity_from_access_token(access, "cookie")
            if identity is not None:
                scope.setdefault("state", {})["identity"] = identity
        await self.app(scope, receive, send)


@dataclass
class Env:
    db: Database
    accounts: AccountService
    mailer: RecordingMailer
    http: httpx.AsyncClient
    teams: TeamService
    email: str  # this test's user (the PostgreSQL database is shared by the session's tests)

    async def register(self, email: str | None = None, password: str = PASSWORD
                       ) -> httpx.Response:
        return await self.http.post("/api/auth/register",
                                    json={"email": email or self.email, "password": password})

    async def login(self, email: str | None = None, password: str = PASSWORD,
                    **extra: Any) -> httpx.Response:
        return await self.http.post(
            "/api/auth/login", json={"email": email or self.email, "password": password, **extra}
        )

    async def signed_up(self, email: str | None = None) -> dict[str, Any]:
        email = email or self.email
        assert (await self.register(email)).status_code == 201
        answer = await self.login(email)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    async def scalar(self, statement: Any) -> Any:
        async with self.db.session() as session:
            return await session.scalar(statement)

    async def execute(self, statement: Any) -> None:
        async with self.db.session() as session:
            await session.execute(statement)

    async def user_id(self) -> str:
        return str(await self.scalar(select(UserRow.id).where(UserRow.email == self.email)))

    def mine(self) -> Any:
        """Rows of this test's user."""
        return UserRow.email == self.email

    async def my_refresh_rows(self) -> Any:
        return RefreshTokenRow.user_id == await self.user_id()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(params=DATABASES)
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    async with migrated_database(request, request.param, tmp_path) as database:
        yield database


@pytest.fixture
async def env(db: Database, tmp_path: Path) -> AsyncIterator[Env]:
    settings = TeamSettings(database_url=db.url, workspaces_dir=tmp_path / "workspaces",
                            public_url=PUBLIC_URL)
    mailer = RecordingMailer()
    accounts = AccountService(db, settings, mailer=mailer)
    await accounts.start()
    teams = TeamService(db, settings)
    app = FastAPI()
    app.include_router(router)
    app.state.team = SimpleNamespace(accounts=accounts, teams=teams, settings=settings, db=db)
    install_error_handlers(app)
    app.add_middleware(BearerIdentity, accounts=accounts)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="https://testserver") as http:
        yield Env(db, accounts, mailer, http, teams, unique_email("alice"))


# -- registration --------------------------------------------------------------------------


async def test_register_login_me(env: Env) -> None:
    answer = await env.register(f" {env.email.upper()} ")
    assert answer.status_code == 201
    assert answer.json() == {"status": "check your email", "email": env.email}
    mail = env.mailer.last_to(env.email)
    assert mail.link and mail.link.startswith(f"{PUBLIC_URL}/verify-email#token=")

    tokens = (await env.login(env.email.title())).json()
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 900
    me = await env.http.get("/api/auth/me", headers=auth(tokens["access_token"]))
    assert me.status_code == 200
    body = me.json()
    assert body["email"] == env.email and body["email_verified"] is False
    assert body["totp_enabled"] is False and body["is_admin"] is False
    assert body["passkeys"] == [] and body["teams"] == []

    team = await env.teams.create_team("Core", by=body["id"])
    me = await env.http.get("/api/auth/me", headers=auth(tokens["access_token"]))
    assert me.json()["teams"] == [{"id": team.id, "name": "Core", "role": "owner"}]

    stored = await env.scalar(select(UserRow.password_hash).where(env.mine()))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short pw 1", "at least 12"),
        ("qwerty123456", "too common"),
        ("1q2w3e4r5t6y", "too common"),
        ("", "email"),  # the account's own email
        ("x" * 129, "at most 128"),
    ],
)
async def test_register_refuses_weak_passwords(env: Env, password: str, why: str) -> None:
    answer = await env.register(password=password or env.email)
    assert answer.status_code == 422
    assert why in answer.json()["detail"]
    assert await env.scalar(select(func.count()).select_from(UserRow).where(env.mine())) == 0
    assert env.mailer.sent == []


async def test_register_existing_email_answers_the_same(env: Env) -> None:
    first = await env.register()
    second = await env.register(password="another fine passphrase")
    assert (second.status_code, second.json()) == (first.status_code, first.json())
    assert "already has one" in env.mailer.sent[-1].body
    assert (await env.login(password="another fine passphrase")).status_code == 401


async def test_register_closed(env: Env, db: Database, tmp_path: Path) -> None:
    env.accounts.settings = TeamSettings(database_url=db.url, workspaces_dir=tmp_path,
                                         open_registration=False)
    assert (await env.register()).status_code == 403


# -- sign-in, lockout, no enumeration ------------------------------------------------------


async def test_no_enumeration_same_answer_and_time(env: Env) -> None:
    await env.register()
    wrong = await env.login(password="wrong password, but long")
    unknown = await env.login("nobody@example.com", "wrong password, but long")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "Wrong email or password."}

    # The unknown email costs a verification too (a dummy hash), so it is not faster.
    stored = passwords.hash_password(PASSWORD)
    started = time.perf_counter()
    passwords.verify_password(stored, "x" * 20)
    one_verify = time.perf_counter() - started
    started = time.perf_counter()
    await env.login("someone-else@example.com", "wrong password, but long")
    assert time.perf_counter() - started >= 0.5 * one_verify


async def test_lockout_backoff_and_reset(env: Env) -> None:
    await env.register()
    for _ in range(4):
        assert (await env.login(password="wrong password, but long")).status_code == 401
    fifth = await env.login(password="wrong password, but long")
    assert fifth.status_code == 401
    locked = await env.login()  # even the right password waits now
    assert locked.status_code == 429
    assert 55 <= int(locked.headers["retry-after"]) <= 60
    assert "try again" in locked.json()["detail"]
    assert await env.scalar(select(UserRow.failed_logins).where(env.mine())) == 5

    # The minute passes; one more failure doubles the wait.
    past = utcnow() - timedelta(seconds=1)
    await env.execute(update(UserRow).where(env.mine()).values(locked_until=past))
    assert (await env.login(password="wrong password, but long")).status_code == 401
    again = await env.login()
    assert 115 <= int(again.headers["retry-after"]) <= 120

    await env.execute(update(UserRow).where(env.mine()).values(locked_until=past))
    assert (await env.login()).status_code == 200
    assert await env.scalar(select(UserRow.failed_logins).where(env.mine())) == 0


async def test_unknown_email_locks_the_same_way(env: Env) -> None:
    for _ in range(5):
        answer = await env.login("ghost@example.com", "wrong password, but long")
        assert answer.status_code == 401
    locked = await env.login("ghost@example.com", "wrong password, but long")
    assert locked.status_code == 429 and 55 <= int(locked.headers["retry-after"]) <= 60


async def test_address_throttle(env: Env) -> None:
    for index in range(21):  # 20 free failures, the 21st starts the wait
        await env.login(f"user{index}@example.com", "wrong password, but long")
    answer = await env.login("user99@example.com", "wrong password, but long")
    assert answer.status_code == 429 and int(answer.headers["retry-after"]) >= 1


async def test_rehash_on_login(env: Env) -> None:
    await env.register()
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    await env.execute(update(UserRow).where(env.mine()).values(password_hash=weak))
    assert (await env.login()).status_code == 200
    stored = await env.scalar(select(UserRow.password_hash).where(env.mine()))
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


# -- access tokens -------------------------------------------------------------------------


async def test_forged_and_misused_access_tokens_refused(env: Env) -> None:
    tokens = await env.signed_up()
    good = tokens["access_token"]
    assert (await env.http.get("/api/auth/me", headers=auth(good))).status_code == 200
    key = bytes(await env.scalar(
        select(ServerSecretRow.value).where(ServerSecretRow.name == JWT_SIGNING_KEY)
    ))
    assert len(key) >= 32
    real = jwt.decode(good, key, algorithms=["HS256"], audience="pairpad")
    now = utcnow()

    def claims(**override: Any) -> dict[str, Any]:
        return {**real, "iat": now, "nbf": now, "exp": now + timedelta(minutes=5), **override}

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    head, _body, signature = good.split(".")
    forged = {
        "alg none": jwt.encode(claims(), None, algorithm="none"),
        "RS256": jwt.encode(claims(), private, algorithm="RS256"),
        "other key": jwt.encode(claims(), b"k" * 32, algorithm="HS256"),
        "expired": jwt.encode(claims(exp=now - timedelta(minutes=1)), key, algorithm="HS256"),
        "nbf future": jwt.encode(claims(nbf=now + timedelta(minutes=2)), key, algorithm="HS256"),
        "audience": jwt.encode(claims(aud="other"), key, algorithm="HS256"),
        "issuer": jwt.encode(claims(iss="pairpad-evil"), key, algorithm="HS256"),
        "typ mfa": jwt.encode(claims(typ="mfa"), key, algorithm="HS256"),
        "no typ": jwt.encode({k: v for k, v in claims().items() if k != "typ"}, key,
                             algorithm="HS256"),
        "tampered": f"{head}.{jwt.encode(claims(sub='x' * 32), key).split('.')[1]}.{signature}",
        "old version": jwt.encode(claims(ver=real["ver"] - 1), key, algorithm="HS256"),
        "unknown user": jwt.encode(claims(sub="0" * 32), key, algorithm="HS256"),
    }
    # The control: the same construction with nothing wrong is accepted.
    control = jwt.encode(claims(), key, algorithm="HS256")
    assert (await env.http.get("/api/auth/me", headers=auth(control))).status_code == 200
    for name, token in forged.items():
        answer = await env.http.get("/api/auth/me", headers=auth(token))
        assert answer.status_code == 401, name

    # Sign out everywhere: the version is bumped, the old (valid) token is refused.
    assert (await env.http.post("/api/auth/logout-all", headers=auth(good))).status_code == 200
    assert (await env.http.get("/api/auth/me", headers=auth(good))).status_code == 401
    assert (await env.http.get("/api/auth/me", headers=auth(control))).status_code == 401


async def test_secret_shared_by_instances(env: Env, db: Database, tmp_path: Path) -> None:
    tokens = await env.signed_up()
    other = AccountService(db, env.accounts.settings)
    await other.start()
    identity = await other.identity_from_access_token(tokens["access_token"], "bearer")
    assert identity is not None and identity.via == "bearer"


# -- refresh -------------------------------------------------------------------------------


async def refresh(env: Env, token: str) -> httpx.Response:
    return await env.http.post("/api/auth/refresh", json={"refresh_token": token})


async def test_refresh_rotation_and_reuse_revokes_family(env: Env) -> None:
    first = await env.signed_up()
    rotated = await refresh(env, first["refresh_token"])
    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (await env.http.get("/api/auth/me", headers=auth(second["access_token"]))
            ).status_code == 200
    third = (await refresh(env, second["refresh_token"])).json()

    reused = await refresh(env, first["refresh_token"])  # copied by someone
    assert reused.status_code == 401
    assert (await refresh(env, third["refresh_token"])).status_code == 401  # family gone
    mine = await env.my_refresh_rows()
    stored = await env.scalar(select(func.count()).select_from(RefreshTokenRow)
                              .where(mine, RefreshTokenRow.revoked_at.is_(None)))
    assert stored == 0
    hashes = await env.scalar(select(RefreshTokenRow.token_hash).where(mine).limit(1))
    assert len(hashes) == 64 and first["refresh_token"] not in hashes


async def test_concurrent_refresh_only_one_succeeds(env: Env) -> None:
    tokens = await env.signed_up()
    answers = await asyncio.gather(*(refresh(env, tokens["refresh_token"]) for _ in range(2)))
    assert sorted(answer.status_code for answer in answers) == [200, 401]


async def test_refresh_expired_and_unknown(env: Env) -> None:
    tokens = await env.signed_up()
    assert (await refresh(env, "not-a-token")).status_code == 401
    await env.execute(update(RefreshTokenRow).where(await env.my_refresh_rows())
                      .values(expires_at=utcnow() - timedelta(seconds=1)))
    answer = await refresh(env, tokens["refresh_token"])
    assert answer.status_code == 401 and "sign in again" in answer.json()["detail"]


async def test_cookie_mode(env: Env) -> None:
    await env.register()
    answer = await env.login(cookie=True)
    assert answer.status_code == 200
    assert answer.json()["access_token"] is None and answer.json()["refresh_token"] is None
    cookies = {c.split("=", 1)[0]: c for c in answer.headers.get_list("set-cookie")}
    for name in (ACCESS_COOKIE, REFRESH_COOKIE):
        flags = cookies[name].lower()
        assert "httponly" in flags and "secure" in flags and "samesite=lax" in flags
        assert "path=/" in flags and "domain" not in flags
    assert "httponly" not in cookies["_xsrf"].lower()

    assert (await env.http.get("/api/auth/me")).status_code == 200  # the access cookie
    old_refresh = env.http.cookies[REFRESH_COOKIE]
    renewed = await env.http.post("/api/auth/refresh", json={})
    assert renewed.status_code == 200 and renewed.json()["access_token"] is None
    assert env.http.cookies[REFRESH_COOKIE] != old_refresh
    sessions = (await env.http.get("/api/auth/sessions")).json()["sessions"]
    assert [item["current"] for item in sessions] == [True]

    signed_out_access = env.http.cookies[ACCESS_COOKIE]
    out = await env.http.post("/api/auth/logout", json={})
    assert out.status_code == 200
    assert REFRESH_COOKIE not in env.http.cookies
    assert (await refresh(env, old_refresh)).status_code == 401
    # The session's access token is refused at once, not when it expires.
    assert (await env.http.get("/api/auth/me", headers=auth(signed_out_access))
            ).status_code == 401


# -- sessions ------------------------------------------------------------------------------


async def test_sessions_list_and_revoke(env: Env) -> None:
    await env.register()
    body = {"email": env.email, "password": PASSWORD}
    laptop = (await env.http.post("/api/auth/login", json=body,
                                  headers={"user-agent": "laptop"})).json()
    phone = (await env.http.post("/api/auth/login", json=body,
                                 headers={"user-agent": "phone"})).json()
    listed = (await env.http.get("/api/auth/sessions", headers=auth(laptop["access_token"]))
              ).json()["sessions"]
    assert {item["user_agent"] for item in listed} == {"laptop", "phone"}
    current = [item for item in listed if item["current"]]
    assert [item["user_agent"] for item in current] == ["laptop"]
    assert all(item["ip"] == "127.0.0.1" for item in listed)
    phone_id = next(item["id"] for item in listed if item["user_agent"] == "phone")

    revoked = await env.http.delete(f"/api/auth/sessions/{phone_id}",
                                    headers=auth(laptop["access_token"]))
    assert revoked.status_code == 200
    assert (await refresh(env, phone["refresh_token"])).status_code == 401
    # The revoked device's access token stops working at once; the other session's does not.
    assert (await env.http.get("/api/auth/me", headers=auth(phone["access_token"]))
            ).status_code == 401
    assert (await env.http.get("/api/auth/me", headers=auth(laptop["access_token"]))
            ).status_code == 200
    assert (await refresh(env, laptop["refresh_token"])).status_code == 200
    again = await env.http.delete(f"/api/auth/sessions/{phone_id}",
                                  headers=auth(laptop["access_token"]))
    assert again.status_code == 404

    # Another user cannot revoke (or see) this user's sessions.
    bob = await env.signed_up(unique_email("bob"))
    listed = (await env.http.get("/api/auth/sessions", headers=auth(laptop["access_token"]))
              ).json()["sessions"]
    answer = await env.http.delete(f"/api/auth/sessions/{listed[0]['id']}",
                                   headers=auth(bob["access_token"]))
    assert answer.status_code == 404
    assert (await env.http.get("/api/auth/sessions")).status_code == 401


async def test_logout_all(env: Env) -> None:
    one = await env.signed_up()
    two = (await env.login()).json()
    assert (await env.http.post("/api/auth/logout-all", headers=auth(one["access_token"]))
            ).status_code == 200
    for tokens in (one, two):
        assert (await env.http.get("/api/auth/me", headers=auth(tokens["access_token"]))
                ).status_code == 401
        assert (await refresh(env, tokens["refresh_token"])).status_code == 401
    assert (await env.login()).status_code == 200


# -- TOTP and recovery codes ---------------------------------------------------------------


async def enrol_totp(env: Env, access: str) -> tuple[pyotp.TOTP, list[str], str]:
    setup = await env.http.post("/api/auth/totp/setup", headers=auth(access))
    assert setup.status_code == 200
    body = setup.json()
    assert body["qr_svg"].startswith("<svg") and body["otpauth_uri"].startswith("otpauth://")
    totp = pyotp.TOTP(body["secret"])
    code = totp.now()
    enabled = await env.http.post("/api/auth/totp/enable", json={"code": code},
                                  headers=auth(access))
    assert enabled.status_code == 200, enabled.text
    codes = enabled.json()["recovery_codes"]
    assert len(codes) == 10
    return totp, codes, code


async def mfa_token(env: Env) -> str:
    answer = (await env.login()).json()
    assert answer["mfa_required"] is True and answer["methods"] == ["totp", "recovery"]
    assert "access_token" not in answer
    return str(answer["mfa_token"])


async def verify(env: Env, token: str, code: str) -> httpx.Response:
    return await env.http.post("/api/auth/mfa/verify", json={"mfa_token": token, "code": code})


async def test_totp_enrol_verify_and_replay_refused(env: Env) -> None:
    tokens = await env.signed_up()
    totp, _codes, used = await enrol_totp(env, tokens["access_token"])
    stored = await env.scalar(select(UserRow.totp_secret_encrypted).where(env.mine()))
    assert totp.secret.encode() not in bytes(stored)
    me = await env.http.get("/api/auth/me", headers=auth(tokens["access_token"]))
    assert me.json()["totp_enabled"] is True
    again = await env.http.post("/api/auth/totp/setup", headers=auth(tokens["access_token"]))
    assert again.status_code == 409

    step_token = await mfa_token(env)
    # The mfa token is not an access token.
    assert (await env.http.get("/api/auth/me", headers=auth(step_token))).status_code == 401
    assert (await verify(env, step_token, used)).status_code == 401  # the enable's code: replay
    assert (await verify(env, step_token, "000000" if used != "000000" else "111111")
            ).status_code == 401
    following = totp.at(utcnow() + timedelta(seconds=30))  # next step, inside the window
    signed = await verify(env, step_token, following)
    assert signed.status_code == 200, signed.text
    assert (await env.http.get("/api/auth/me", headers=auth(signed.json()["access_token"]))
            ).status_code == 200
    replay = await verify(env, await mfa_token(env), following)
    assert replay.status_code == 401 and replay.json()["detail"] == "Wrong code."
    assert (await verify(env, "forged.mfa.token", following)).status_code == 401


async def test_recovery_code_single_use_and_regenerate(env: Env) -> None:
    tokens = await env.signed_up()
    _totp, codes, _used = await enrol_totp(env, tokens["access_token"])
    first = await verify(env, await mfa_token(env), codes[0].lower())
    assert first.status_code == 200
    assert (await verify(env, await mfa_token(env), codes[0])).status_code == 401
    assert (await verify(env, await mfa_token(env), codes[1])).status_code == 200

    fresh = await env.http.post("/api/auth/recovery-codes", headers=auth(tokens["access_token"]))
    assert fresh.status_code == 200 and len(fresh.json()["recovery_codes"]) == 10
    assert (await verify(env, await mfa_token(env), codes[2])).status_code == 401  # old set
    assert (await verify(env, await mfa_token(env), fresh.json()["recovery_codes"][0])
            ).status_code == 200


async def test_mfa_failures_lock_the_account(env: Env) -> None:
    tokens = await env.signed_up()
    await enrol_totp(env, tokens["access_token"])
    step_token = await mfa_token(env)
    for _ in range(5):
        assert (await verify(env, step_token, "AAAA-BBBB-CCCC-DDDD")).status_code == 401
    locked = await verify(env, step_token, "AAAA-BBBB-CCCC-DDDD")
    assert locked.status_code == 429 and "retry-after" in locked.headers


async def test_totp_disable(env: Env) -> None:
    tokens = await env.signed_up()
    await enrol_totp(env, tokens["access_token"])
    wrong = await env.http.post("/api/auth/totp/disable", json={"password": "not my password!"},
                                headers=auth(tokens["access_token"]))
    assert wrong.status_code == 403
    empty = await env.http.post("/api/auth/totp/disable", json={},
                                headers=auth(tokens["access_token"]))
    assert empty.status_code == 422
    off = await env.http.post("/api/auth/totp/disable", json={"password": PASSWORD},
                              headers=auth(tokens["access_token"]))
    assert off.status_code == 200
    assert "access_token" in (await env.login()).json()  # no second step any more


# -- passwords and email links -------------------------------------------------------------


async def test_change_password(env: Env) -> None:
    tokens = await env.signed_up()
    wrong = await env.http.post("/api/auth/password/change", headers=auth(tokens["access_token"]),
                                json={"current_password": "nope nope nope", "new_password":
                                      NEW_PASSWORD})
    assert wrong.status_code == 403
    weak = await env.http.post("/api/auth/password/change", headers=auth(tokens["access_token"]),
                               json={"current_password": PASSWORD, "new_password": "password1234"})
    assert weak.status_code == 422
    changed = await env.http.post(
        "/api/auth/password/change", headers=auth(tokens["access_token"]),
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 200 and changed.json()["access_token"]
    assert (await env.http.get("/api/auth/me", headers=auth(tokens["access_token"]))
            ).status_code == 401
    assert (await refresh(env, tokens["refresh_token"])).status_code == 401
    assert (await env.http.get("/api/auth/me", headers=auth(changed.json()["access_token"]))
            ).status_code == 200
    assert (await env.login(password=NEW_PASSWORD)).status_code == 200


def reset_token(env: Env) -> str:
    link = env.mailer.last_to(env.email).link or ""
    assert link.startswith(f"{PUBLIC_URL}/reset-password#token=")
    return link.split("#token=", 1)[1]


async def test_password_reset_single_use(env: Env) -> None:
    tokens = await env.signed_up()
    sent = len(env.mailer.sent)
    unknown = await env.http.post("/api/auth/password/forgot", json={"email": "x@example.com"})
    known = await env.http.post("/api/auth/password/forgot", json={"email": env.email})
    assert unknown.status_code == known.status_code == 202
    assert unknown.json() == known.json()
    assert len(env.mailer.sent) == sent + 1
    token = reset_token(env)
    stored = await env.scalar(select(EmailTokenRow.token_hash).where(
        EmailTokenRow.purpose == "reset", EmailTokenRow.user_id == await env.user_id()))
    assert token not in stored and len(stored) == 64

    weak = await env.http.post("/api/auth/password/reset", json={"token": token,
                                                                  "password": "too short"})
    assert weak.status_code == 422  # the link still works after a refused choice
    done = await env.http.post("/api/auth/password/reset", json={"token": token,
                                                                  "password": NEW_PASSWORD})
    assert done.status_code == 200
    reused = await env.http.post("/api/auth/password/reset", json={"token": token,
                                                                    "password": PASSWORD + "!"})
    assert reused.status_code == 400
    assert (await env.http.get("/api/auth/me", headers=auth(tokens["access_token"]))
            ).status_code == 401
    assert (await refresh(env, tokens["refresh_token"])).status_code == 401
    assert (await env.login()).status_code == 401
    assert (await env.login(password=NEW_PASSWORD)).status_code == 200


async def test_password_reset_expiry_and_older_link(env: Env) -> None:
    await env.signed_up()
    await env.http.post("/api/auth/password/forgot", json={"email": env.email})
    older = reset_token(env)
    await env.http.post("/api/auth/password/forgot", json={"email": env.email})
    newer = reset_token(env)
    refused = await env.http.post("/api/auth/password/reset",
                                  json={"token": older, "password": NEW_PASSWORD})
    assert refused.status_code == 400  # a newer link replaced it
    await env.execute(update(EmailTokenRow).where(EmailTokenRow.user_id == await env.user_id())
                      .values(expires_at=utcnow() - timedelta(seconds=1)))
    expired = await env.http.post("/api/auth/password/reset",
                                  json={"token": newer, "password": NEW_PASSWORD})
    assert expired.status_code == 400 and "expired" in expired.json()["detail"]


async def test_verify_email(env: Env) -> None:
    tokens = await env.signed_up()
    link = env.mailer.last_to(env.email).link or ""
    token = link.split("#token=", 1)[1]
    assert (await env.http.post("/api/auth/verify-email", json={"token": token})
            ).status_code == 200
    me = await env.http.get("/api/auth/me", headers=auth(tokens["access_token"]))
    assert me.json()["email_verified"] is True
    assert (await env.http.post("/api/auth/verify-email", json={"token": token})
            ).status_code == 400


async def test_config_and_public_routes_without_identity(env: Env) -> None:
    config = (await env.http.get("/api/auth/config")).json()
    assert config == {"mode": "team", "open_registration": True, "oauth": [], "passkeys": True}
    for path in ("/api/auth/me", "/api/auth/sessions"):
        assert (await env.http.get(path)).status_code == 401
    for path in ("/api/auth/logout", "/api/auth/logout-all", "/api/auth/totp/setup",
                 "/api/auth/recovery-codes"):
        assert (await env.http.post(path, json={})).status_code == 401


async def test_admin_helpers(env: Env) -> None:
    root = unique_email("root")
    user = await env.accounts.create_user(root.upper(), PASSWORD, is_admin=True,
                                          email_verified=True)
    assert (user.email, user.is_admin, user.email_verified) == (root, True, True)
    assert root in [item.email for item in await env.accounts.list_users()]
    assert (await env.accounts.find_user_by_email(root)) == user
    await env.accounts.reset_password_admin(root, NEW_PASSWORD)
    assert (await env.login(root, NEW_PASSWORD)).status_code == 200
    assert (await env.login(root, PASSWORD)).status_code == 401


async def test_tokens_only_in_the_mail_log(env: Env) -> None:
    """The default mailer's log line is the only place a token is written."""
    mailer = LogMailer()
    env.accounts.mailer = mailer
    with capture_logs() as logs:
        tokens = await env.signed_up()
        await env.http.post("/api/auth/password/forgot", json={"email": env.email})
        refreshed = (await refresh(env, tokens["refresh_token"])).json()
    mails = [entry for entry in logs if entry["event"] == "mail"]
    assert len(mails) == 2 and "#token=" in mails[1]["body"]
    others = repr([entry for entry in logs if entry["event"] != "mail"])
    for secret in (*tokens.values(), *refreshed.values()):
        if isinstance(secret, str) and len(secret) > 20:
            assert secret not in others
    for mail in mails:
        assert mail["body"].split("#token=", 1)[1] not in others
