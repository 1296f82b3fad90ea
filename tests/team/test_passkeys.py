"""Passkeys end to end with a software authenticator (real ES256 keys, CBOR/COSE 'none'
attestation, signed assertions): registration, passwordless sign-in, passkey as the second
factor of a password login, and the refusals (foreign challenge, replay, cloned counter,
wrong origin). On SQLite and on a fresh PostgreSQL database."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from pairpad.storage.db import Database
from pairpad.storage.team_tables import WebAuthnCredentialRow
from tests.support.signin_app import (
    ACCESS_COOKIE_NAME,
    DATABASES,
    ORIGIN,
    SigninApp,
    sign_in_database,
    signin_app,
    signin_pg_url,  # noqa: F401 (a fixture)
)
from tests.support.soft_authenticator import SoftAuthenticator, b64url


@pytest.fixture(params=DATABASES)
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    async with sign_in_database(request, request.param, tmp_path) as database:
        yield database


@pytest.fixture
async def app(db: Database, tmp_path: Path) -> AsyncIterator[SigninApp]:
    async with signin_app(db, tmp_path / "workspaces") as running:
        yield running


async def registered(app: SigninApp, email: str, authenticator: SoftAuthenticator,
                     name: str = "Laptop") -> tuple[str, str]:
    """A user with a password and one passkey: (user id, access token)."""
    user_id = await app.user_with_password(email)
    token = str((await app.login(email))["access_token"])
    options = await app.client.post("/api/auth/passkeys/register/options",
                                    headers=app.bearer(token))
    assert options.status_code == 200, options.text
    credential = authenticator.create(options.json())
    verified = await app.client.post("/api/auth/passkeys/register/verify",
                                     json={"credential": credential, "name": name},
                                     headers=app.bearer(token))
    assert verified.status_code == 201, verified.text
    return user_id, token


async def login_options(app: SigninApp, mfa_token: str | None = None) -> dict[str, Any]:
    body = {"mfa_token": mfa_token} if mfa_token else {}
    answer = await app.client.post("/api/auth/passkeys/login/options", json=body)
    assert answer.status_code == 200, answer.text
    options: dict[str, Any] = answer.json()
    return options


async def me(app: SigninApp, token: str) -> dict[str, Any]:
    answer = await app.client.get("/api/auth/me", headers=app.bearer(token))
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def stored_count(app: SigninApp) -> list[int]:
    async with app.team.db.session() as session:
        return [row.sign_count for row in (await session.scalars(select(WebAuthnCredentialRow)))]


async def test_register_lists_and_removes_a_passkey(app: SigninApp) -> None:
    authenticator = SoftAuthenticator(ORIGIN)
    user_id, token = await registered(app, "ann@example.com", authenticator)
    listed = await app.client.get("/api/auth/passkeys", headers=app.bearer(token))
    assert listed.status_code == 200
    [passkey] = listed.json()["passkeys"]
    assert passkey["name"] == "Laptop" and passkey["transports"] == ["internal"]
    async with app.team.db.session() as session:
        row = await session.get(WebAuthnCredentialRow, passkey["id"])
        assert row is not None and row.user_id == user_id
        assert row.credential_id == next(iter(authenticator.credentials))

    _, other = await registered(app, "ben@example.com", SoftAuthenticator(ORIGIN))
    foreign = await app.client.delete(f"/api/auth/passkeys/{passkey['id']}",
                                      headers=app.bearer(other))
    assert foreign.status_code == 404
    removed = await app.client.delete(f"/api/auth/passkeys/{passkey['id']}",
                                      headers=app.bearer(token))
    assert removed.status_code == 204
    assert (await app.client.get("/api/auth/passkeys",
                                 headers=app.bearer(token))).json()["passkeys"] == []


async def test_registration_options_name_this_site(app: SigninApp) -> None:
    await app.user_with_password("opt@example.com")
    token = str((await app.login("opt@example.com"))["access_token"])
    options = (await app.client.post("/api/auth/passkeys/register/options",
                                     headers=app.bearer(token))).json()
    assert options["rp"]["id"] == "pairpad.test"
    assert options["user"]["name"] == "opt@example.com"
    assert options["authenticatorSelection"]["residentKey"] == "preferred"
    unauthenticated = await app.client.post("/api/auth/passkeys/register/options")
    assert unauthenticated.status_code == 401


async def test_passwordless_sign_in(app: SigninApp) -> None:
    authenticator = SoftAuthenticator(ORIGIN)
    user_id, _ = await registered(app, "cat@example.com", authenticator)
    options = await login_options(app)
    assert options.get("allowCredentials", []) == []  # discoverable: the passkey names its user
    assert options["userVerification"] == "required"
    answer = await app.client.post("/api/auth/passkeys/login/verify",
                                   json={"credential": authenticator.get(options)})
    assert answer.status_code == 200, answer.text
    tokens = answer.json()
    assert tokens["token_type"] == "bearer" and tokens["refresh_token"]
    assert (await me(app, tokens["access_token"]))["id"] == user_id
    assert await stored_count(app) == [1]

    as_browser = await app.client.post(
        "/api/auth/passkeys/login/verify",
        json={"credential": authenticator.get(await login_options(app)), "cookie": True})
    assert as_browser.status_code == 200, as_browser.text
    assert as_browser.json()["access_token"] is None
    assert any(ACCESS_COOKIE_NAME in value for value in as_browser.headers.get_list("set-cookie"))


async def test_passwordless_needs_user_verification(app: SigninApp) -> None:
    authenticator = SoftAuthenticator(ORIGIN)
    await registered(app, "uv@example.com", authenticator)
    authenticator.user_verified = False  # a security key touched, no PIN: one factor only
    answer = await app.client.post("/api/auth/passkeys/login/verify",
                                   json={"credential": authenticator.get(await login_options(app))})
    assert answer.status_code == 401


async def test_passkey_as_the_second_factor(app: SigninApp) -> None:
    authenticator = SoftAuthenticator(ORIGIN)
    user_id, _ = await registered(app, "dee@example.com", authenticator)
    mallory_key = SoftAuthenticator(ORIGIN)
    await registered(app, "mallory@example.com", mallory_key)

    first = await app.login("dee@example.com")
    assert first.get("mfa_required") is True, first
    assert "passkey" in first["methods"]  # type: ignore[operator]
    mfa_token = str(first["mfa_token"])
    options = await login_options(app, mfa_token)
    allowed = [item["id"] for item in options["allowCredentials"]]
    assert allowed == list(authenticator.credentials)

    # Another user's passkey cannot finish dee's login.
    foreign = mallory_key.get({**options, "allowCredentials": []})
    refused = await app.client.post("/api/auth/passkeys/login/verify",
                                    json={"credential": foreign, "mfa_token": mfa_token})
    assert refused.status_code == 401

    options = await login_options(app, mfa_token)
    answer = await app.client.post(
        "/api/auth/passkeys/login/verify",
        json={"credential": authenticator.get(options), "mfa_token": mfa_token})
    assert answer.status_code == 200, answer.text
    assert (await me(app, answer.json()["access_token"]))["id"] == user_id

    # Options asked for dee's second factor cannot be used for a passwordless sign-in.
    options = await login_options(app, mfa_token)
    mixed = await app.client.post("/api/auth/passkeys/login/verify",
                                  json={"credential": authenticator.get(options)})
    assert mixed.status_code == 400


async def test_wrong_challenge_and_replay_are_refused(app: SigninApp) -> None:
    authenticator = SoftAuthenticator(ORIGIN)
    await registered(app, "eli@example.com", authenticator)
    options = await login_options(app)
    forged = authenticator.get(options, challenge=b64url(secrets.token_bytes(32)))
    answer = await app.client.post("/api/auth/passkeys/login/verify", json={"credential": forged})
    assert answer.status_code == 400
    assert "challenge" in answer.json()["detail"]

    good = authenticator.get(await login_options(app))
    assert (await app.client.post("/api/auth/passkeys/login/verify",
                                  json={"credential": good})).status_code == 200
    replay = await app.client.post("/api/auth/passkeys/login/verify", json={"credential": good})
    assert replay.status_code == 400  # the challenge was used


async def test_counter_going_backwards_is_refused(app: SigninApp) -> None:
    authenticator = SoftAuthenticator(ORIGIN)
    await registered(app, "fin@example.com", authenticator)
    for _ in range(2):
        answer = await app.client.post(
            "/api/auth/passkeys/login/verify",
            json={"credential": authenticator.get(await login_options(app))})
        assert answer.status_code == 200, answer.text
    assert await stored_count(app) == [2]
    clone = authenticator.get(await login_options(app), sign_count=1)  # a copy of the key
    answer = await app.client.post("/api/auth/passkeys/login/verify", json={"credential": clone})
    assert answer.status_code == 401
    assert "counter went backwards" in answer.json()["detail"]
    assert await stored_count(app) == [2]


async def test_registration_from_another_origin_is_refused(app: SigninApp) -> None:
    await app.user_with_password("gus@example.com")
    token = str((await app.login("gus@example.com"))["access_token"])
    options = (await app.client.post("/api/auth/passkeys/register/options",
                                     headers=app.bearer(token))).json()
    phished = SoftAuthenticator("https://pairpad.evil.example").create(options)
    answer = await app.client.post("/api/auth/passkeys/register/verify",
                                   json={"credential": phished}, headers=app.bearer(token))
    assert answer.status_code == 400
    assert await stored_count(app) == []
