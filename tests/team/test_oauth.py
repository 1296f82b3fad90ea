"""OpenID Connect sign-in end to end against a real provider (oidc-provider-mock on a free
port): the browser's redirects followed by hand, the provider's form posted as a person
would. On SQLite and on a fresh PostgreSQL database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pyotp
import pytest
from sqlalchemy import func, select, update

from pairpad.accounts.oauth import PURPOSE
from pairpad.accounts.settings import OAuthProviderSettings
from pairpad.storage.db import Database
from pairpad.storage.team_tables import AuthChallengeRow, OAuthIdentityRow, UserRow
from tests.support.github_server import CLIENT_ID, CLIENT_SECRET, GitHubScript, running_github
from tests.support.oidc_provider import OidcProvider, path_and_query, running_oidc_provider
from tests.support.signin_app import (
    DATABASES,
    ORIGIN,
    SigninApp,
    sign_in_database,
    signin_app,
    signin_pg_url,  # noqa: F401 (a fixture)
)

# The provider (its thread sees this test's warning filters) still calls authlib's
# deprecated get_jwt_config; a warning of ours would still fail the test.
pytestmark = pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")

PROVIDER = "corp"
ACCESS_COOKIE = "__Host-pairpad_access"


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    with running_oidc_provider() as running:
        yield running


@pytest.fixture(params=DATABASES)
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    async with sign_in_database(request, request.param, tmp_path) as database:
        yield database


@pytest.fixture
async def app(db: Database, provider: OidcProvider, tmp_path: Path) -> AsyncIterator[SigninApp]:
    corp = OAuthProviderSettings(name=PROVIDER, kind="oidc", label="Corp SSO",
                                 issuer=provider.issuer, client_id="pairpad-test",
                                 client_secret="s3cret")
    async with signin_app(db, tmp_path / "workspaces", oauth=[corp]) as running:
        yield running


async def start(app: SigninApp, next_path: str | None = "/w/abc/") -> str:
    params = {"next": next_path} if next_path is not None else {}
    answer = await app.client.get(f"/api/auth/oauth/{PROVIDER}/start", params=params)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


async def sign_in(app: SigninApp, provider: OidcProvider, sub: str, claims: dict[str, object],
                  next_path: str = "/w/abc/") -> httpx.Response:
    """The whole browser round trip; the callback's answer."""
    provider.set_user(sub, claims)
    back = provider.authorize(await start(app, next_path), sub)
    assert back.startswith(f"{ORIGIN}/api/auth/oauth/{PROVIDER}/callback?"), back
    return await app.client.get(path_and_query(back))


async def count(db: Database, table: type[object]) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def identities(db: Database) -> list[tuple[str, str, str]]:
    async with db.session() as session:
        rows = (await session.scalars(select(OAuthIdentityRow))).all()
        return [(row.user_id, row.provider, row.subject) for row in rows]


def signed_in_cookie(answer: httpx.Response) -> bool:
    return any(ACCESS_COOKIE in value for value in answer.headers.get_list("set-cookie"))


async def test_authorize_request_carries_state_nonce_and_pkce(app: SigninApp,
                                                              provider: OidcProvider) -> None:
    url = await start(app)
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(f"{provider.issuer}/oauth2/authorize?")
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["nonce"][0] and query["state"][0]
    assert query["redirect_uri"] == [f"{ORIGIN}/api/auth/oauth/{PROVIDER}/callback"]
    assert "openid" in query["scope"][0].split()
    async with app.team.db.session() as session:
        row = await session.get(AuthChallengeRow, query["state"][0])
    assert row is not None and row.purpose == PURPOSE
    assert row.data["nonce"] == query["nonce"][0]
    assert str(row.data["verifier"]) not in url  # only its S256 hash is sent


async def test_new_user_signs_in_and_lands_on_next(app: SigninApp,
                                                   provider: OidcProvider) -> None:
    answer = await sign_in(app, provider, "alice-sub",
                           {"email": "Alice@Example.com", "email_verified": True,
                            "name": "Alice"})
    assert answer.status_code == 302, answer.text
    assert answer.headers["location"] == "/w/abc/"
    assert signed_in_cookie(answer)
    me = await app.client.get("/api/auth/me")  # the session cookie signs the browser in
    assert me.status_code == 200, me.text
    assert me.json()["email"] == "alice@example.com"
    assert me.json()["email_verified"] is True
    assert [(p, s) for _, p, s in await identities(app.team.db)] == [(PROVIDER, "alice-sub")]


async def test_linked_identity_signs_in_as_the_same_user(app: SigninApp,
                                                         provider: OidcProvider) -> None:
    claims: dict[str, object] = {"email": "dan@example.com", "email_verified": False}
    first = await sign_in(app, provider, "dan-sub", claims)
    assert first.status_code == 302 and signed_in_cookie(first)
    app.client.cookies.clear()
    # Even after the provider's email changes, the (provider, subject) link decides.
    second = await sign_in(app, provider, "dan-sub", {"email": "dan2@example.com"})
    assert second.status_code == 302 and signed_in_cookie(second)
    assert await count(app.team.db, UserRow) == 1
    me = await app.client.get("/api/auth/me")
    assert me.json()["email"] == "dan@example.com"
    assert me.json()["email_verified"] is False  # as the provider said at creation


async def test_forged_state_is_refused(app: SigninApp, provider: OidcProvider) -> None:
    provider.set_user("eve-sub", {"email": "eve@example.com", "email_verified": True})
    back = provider.authorize(await start(app), "eve-sub")
    query = parse_qs(urlsplit(back).query)
    forged = await app.client.get(f"/api/auth/oauth/{PROVIDER}/callback",
                                  params={"code": query["code"][0], "state": "forged-state"})
    assert forged.status_code == 400
    assert "state" in forged.json()["detail"]
    assert not signed_in_cookie(forged)
    assert await count(app.team.db, UserRow) == 0


async def test_replayed_state_is_refused(app: SigninApp, provider: OidcProvider) -> None:
    provider.set_user("fay-sub", {"email": "fay@example.com", "email_verified": True})
    back = provider.authorize(await start(app), "fay-sub")
    first = await app.client.get(path_and_query(back))
    assert first.status_code == 302
    replay = await app.client.get(path_and_query(back))
    assert replay.status_code == 400
    assert "already used" in replay.json()["detail"]
    assert not signed_in_cookie(replay)


async def test_callback_from_another_browser_is_refused(app: SigninApp,
                                                        provider: OidcProvider) -> None:
    provider.set_user("gil-sub", {"email": "gil@example.com", "email_verified": True})
    back = provider.authorize(await start(app), "gil-sub")
    async with app.other_browser() as other:
        answer = await other.get(path_and_query(back))  # no cookie of the starting browser
    assert answer.status_code == 400
    assert "another browser" in answer.json()["detail"]
    assert await count(app.team.db, UserRow) == 0


async def test_wrong_nonce_is_refused(app: SigninApp, provider: OidcProvider) -> None:
    provider.set_user("hal-sub", {"email": "hal@example.com", "email_verified": True})
    url = await start(app)
    state = parse_qs(urlsplit(url).query)["state"][0]
    async with app.team.db.session() as session:  # the stored nonce no longer matches
        row = await session.get(AuthChallengeRow, state)
        assert row is not None
        await session.execute(update(AuthChallengeRow).where(AuthChallengeRow.id == state)
                              .values(data={**row.data, "nonce": "tampered-nonce"}))
    answer = await app.client.get(path_and_query(provider.authorize(url, "hal-sub")))
    assert answer.status_code == 400
    assert "nonce" in answer.json()["detail"]
    assert not signed_in_cookie(answer)
    assert await count(app.team.db, UserRow) == 0


async def test_issuer_of_the_response_is_checked(app: SigninApp,
                                                 provider: OidcProvider) -> None:
    provider.set_user("ian-sub", {"email": "ian@example.com", "email_verified": True})
    back = provider.authorize(await start(app), "ian-sub")
    mixed_up = await app.client.get(path_and_query(back) + "&iss=https%3A%2F%2Fevil.example")
    assert mixed_up.status_code == 400
    assert "issuer" in mixed_up.json()["detail"]
    assert await count(app.team.db, UserRow) == 0


async def test_verified_email_of_an_account_links_only_after_its_owner_confirms(
    app: SigninApp, provider: OidcProvider
) -> None:
    bob = await app.user_with_password("bob@example.com")
    mallory = await app.user_with_password("mallory@example.com")
    answer = await sign_in(app, provider, "bob-idp",
                           {"email": "bob@example.com", "email_verified": True})
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith("/account/link?handle=")
    assert not signed_in_cookie(answer)
    handle = parse_qs(urlsplit(location).query)["handle"][0]
    assert await identities(app.team.db) == []  # nothing linked before the confirmation

    confirm = "/api/auth/oauth/link/confirm"
    anonymous = await app.client.post(confirm, json={"handle": handle})
    assert anonymous.status_code == 401
    other = str((await app.login("mallory@example.com"))["access_token"])
    assert mallory
    refused = await app.client.post(confirm, json={"handle": handle},
                                    headers=app.bearer(other))
    assert refused.status_code == 404
    assert await identities(app.team.db) == []

    token = str((await app.login("bob@example.com"))["access_token"])  # password first
    shown = await app.client.get("/api/auth/oauth/link", params={"handle": handle},
                                 headers=app.bearer(token))
    assert shown.status_code == 200
    assert shown.json()["email"] == "bob@example.com"
    async with app.other_browser() as elsewhere:
        wrong_browser = await elsewhere.post(confirm, json={"handle": handle},
                                             headers=app.bearer(token))
    assert wrong_browser.status_code == 403
    confirmed = await app.client.post(confirm, json={"handle": handle},
                                      headers=app.bearer(token))
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["provider"] == PROVIDER
    assert await identities(app.team.db) == [(bob, PROVIDER, "bob-idp")]
    again = await app.client.post(confirm, json={"handle": handle},
                                  headers=app.bearer(token))
    assert again.status_code == 404  # single use

    app.client.cookies.clear()
    later = await sign_in(app, provider, "bob-idp",
                          {"email": "bob@example.com", "email_verified": True})
    assert later.status_code == 302 and later.headers["location"] == "/w/abc/"
    assert signed_in_cookie(later)
    assert (await app.client.get("/api/auth/me")).json()["id"] == bob


async def test_unverified_email_of_an_account_never_links(app: SigninApp,
                                                          provider: OidcProvider) -> None:
    await app.user_with_password("carol@example.com")
    answer = await sign_in(app, provider, "carol-idp",
                           {"email": "carol@example.com", "email_verified": False})
    assert answer.status_code == 409
    assert "not say the email is verified" in answer.json()["detail"]
    assert not signed_in_cookie(answer)
    assert await identities(app.team.db) == []
    async with app.team.db.session() as session:
        links = await session.scalar(select(func.count()).select_from(AuthChallengeRow)
                                     .where(AuthChallengeRow.purpose == "oauth-link"))
    assert links == 0


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x",
                                    "/\\evil.example", "evil", "/ok\r\nSet-Cookie: x=1"])
async def test_open_redirect_in_next_is_refused(app: SigninApp, target: str) -> None:
    answer = await app.client.get(f"/api/auth/oauth/{PROVIDER}/start", params={"next": target})
    assert answer.status_code == 400
    assert "next" in answer.json()["detail"]
    assert "location" not in answer.headers


async def test_second_factor_is_still_required(app: SigninApp, provider: OidcProvider) -> None:
    first = await sign_in(app, provider, "tom-sub",
                          {"email": "tom@example.com", "email_verified": True})
    assert first.status_code == 302
    me = (await app.client.get("/api/auth/me")).json()
    secret = (await app.team.accounts.totp_setup(me["id"])).secret
    await app.team.accounts.totp_enable(me["id"], pyotp.TOTP(secret).now())
    app.client.cookies.clear()

    again = await sign_in(app, provider, "tom-sub", {"email": "tom@example.com"},
                          next_path="/w/x/")
    assert again.status_code == 302
    location = urlsplit(again.headers["location"])
    assert location.path == "/signin"
    query = parse_qs(location.query)
    assert query["next"] == ["/w/x/"] and "totp" in query["methods"][0].split(",")
    assert not signed_in_cookie(again)
    assert await app.team.accounts.user_from_mfa_token(query["mfa_token"][0]) == me["id"]


async def test_unknown_provider_is_404(app: SigninApp) -> None:
    answer = await app.client.get("/api/auth/oauth/nope/start")
    assert answer.status_code == 404


async def test_links_list_and_unlink(app: SigninApp, provider: OidcProvider) -> None:
    first = await sign_in(app, provider, "una-sub",
                          {"email": "una@example.com", "email_verified": True})
    assert first.status_code == 302
    links = await app.client.get("/api/auth/oauth/links")
    assert links.status_code == 200
    assert [(item["provider"], item["label"]) for item in links.json()["links"]] == [
        (PROVIDER, "Corp SSO")]
    xsrf = {"X-XSRF-Token": app.client.cookies["_xsrf"]}
    only_way = await app.client.delete(f"/api/auth/oauth/links/{PROVIDER}", headers=xsrf)
    assert only_way.status_code == 409  # no password, no passkey: the account's only way in

    async with app.team.db.session() as session:  # give the account a password
        await session.execute(update(UserRow).values(password_hash="$argon2id$placeholder"))
    removed = await app.client.delete(f"/api/auth/oauth/links/{PROVIDER}", headers=xsrf)
    assert removed.status_code == 204
    assert (await app.client.get("/api/auth/oauth/links")).json()["links"] == []


@pytest.fixture
async def github_app(db: Database, tmp_path: Path
                     ) -> AsyncIterator[tuple[SigninApp, GitHubScript]]:
    with running_github() as (base, script):
        gh = OAuthProviderSettings(name="gh", kind="github", issuer=base,
                                   client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
        async with signin_app(db, tmp_path / "workspaces", oauth=[gh]) as running:
            yield running, script


async def github_round_trip(app: SigninApp, tamper_verifier: bool = False) -> httpx.Response:
    started = await app.client.get("/api/auth/oauth/gh/start", params={"next": "/"})
    assert started.status_code == 302
    query = parse_qs(urlsplit(started.headers["location"]).query)
    assert query["scope"] == ["read:user user:email"]
    assert query["code_challenge_method"] == ["S256"]
    if tamper_verifier:
        async with app.team.db.session() as session:
            row = await session.get(AuthChallengeRow, query["state"][0])
            assert row is not None
            await session.execute(update(AuthChallengeRow)
                                  .where(AuthChallengeRow.id == row.id)
                                  .values(data={**row.data, "verifier": "x" * 64}))
    back = httpx.get(started.headers["location"])  # the GitHub page approves at once
    assert back.status_code == 302
    return await app.client.get(path_and_query(back.headers["location"]))


async def test_github_signs_in_with_the_verified_primary_email(
    github_app: tuple[SigninApp, GitHubScript]
) -> None:
    app, script = github_app
    script.user = {"id": 4242, "login": "octo", "name": "Octo Cat"}
    script.emails = [{"email": "old@example.com", "primary": False, "verified": True},
                     {"email": "Octo@Example.com", "primary": True, "verified": True}]
    answer = await github_round_trip(app)
    assert answer.status_code == 302, answer.text
    assert signed_in_cookie(answer) and script.refused == []
    me = (await app.client.get("/api/auth/me")).json()
    assert (me["email"], me["email_verified"], me["display_name"]) == (
        "octo@example.com", True, "Octo Cat")
    assert [(p, s) for _, p, s in await identities(app.team.db)] == [("gh", "4242")]


async def test_github_unverified_primary_email_is_not_verified_here(
    github_app: tuple[SigninApp, GitHubScript]
) -> None:
    app, script = github_app
    script.emails = [{"email": "verified@example.com", "primary": False, "verified": True},
                     {"email": "octo@example.com", "primary": True, "verified": False}]
    answer = await github_round_trip(app)
    assert answer.status_code == 302, answer.text
    me = (await app.client.get("/api/auth/me")).json()
    assert (me["email"], me["email_verified"]) == ("octo@example.com", False)


async def test_github_code_exchange_carries_the_pkce_verifier(
    github_app: tuple[SigninApp, GitHubScript]
) -> None:
    app, script = github_app
    script.emails = [{"email": "octo@example.com", "primary": True, "verified": True}]
    answer = await github_round_trip(app, tamper_verifier=True)
    assert answer.status_code == 400
    assert "refused the sign-in code" in answer.json()["detail"]
    assert script.refused == ["code or verifier"]
    assert await count(app.team.db, UserRow) == 0
