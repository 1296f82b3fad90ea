"""The team app's OpenAPI document describes the team app (as tests/api/test_openapi.py does
for the local app's).

Schemathesis generates requests from the team app's /api/openapi.json and checks every
answer against the document: no 500, statuses documented, bodies matching their schemas,
every error JSON with a string `detail`. In-process on the real app (lifespan included: the
SQLite database is migrated and the account service started), signed in as a user
registered through the API, bounded and derandomized (well under two minutes on 2 cores).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from pairpad.accounts.settings import TeamSettings
from pairpad.api import audit as audit_api
from pairpad.api import auth as auth_api
from pairpad.api import health
from pairpad.api import oauth as oauth_api
from pairpad.api import passkeys as passkeys_api
from pairpad.api import teams as teams_api
from pairpad.api.team_deps import public_operations
from pairpad.app import create_app
from pairpad.config import Settings
from pairpad.ratelimit.settings import GROUPS
from pairpad.team.app import TeamApp, create_team_app

BASE = "http://127.0.0.1"
HOST = {"Host": "127.0.0.1"}  # one of the hosts the team app allows
EMAIL = "fuzz@example.com"
PASSWORD = "correct horse battery staple 42"
MAX_EXAMPLES = 25

# Left out of the generated run, each for a reason:
EXCLUDED = {
    # End the run's own sign-in (every later authenticated case would be a 401);
    # tests/team/test_auth_api.py covers them.
    ("POST", "/api/auth/logout"),
    ("POST", "/api/auth/logout-all"),
}

# Answers that depend on the database, not on the request's shape: a generated "valid"
# request may name a team, member, token or code that does not exist (404), that is not
# the right one (400/401), a role the user lacks (403), or collide with what exists (409).
# Every other operation must accept every valid request.
STATE_DEPENDENT = {400, 401, 403, 404, 409, 429}
# Rules a JSON schema does not express: a generated "valid" value may still break them.
BEYOND_SCHEMA: dict[str, tuple[set[int], str]] = {
    "POST /api/auth/register": ({422}, "an email address; the password policy"),
    "POST /api/auth/password/reset": ({422}, "the password policy"),
    "POST /api/auth/password/change": ({422}, "the password policy"),
    "POST /api/auth/totp/disable": ({422}, "a password or a code"),
    "POST /api/teams": ({422}, "no control characters; 1-100 characters once stripped"),
    "POST /api/teams/{team_id}/members": ({422}, "an email address"),
    "POST /api/teams/{team_id}/invitations": ({422}, "an email address"),
    "POST /api/teams/{team_id}/workspaces": ({422}, "1-100 characters once stripped"),
}
ALWAYS_VALID = {
    "GET /api/health", "GET /api/auth/config", "GET /api/auth/me", "GET /api/auth/sessions",
    "GET /api/teams", "GET /api/auth/passkeys", "GET /api/auth/oauth/links",
    "POST /api/auth/password/forgot",
}


def _client(app: TeamApp) -> asgi.ASGIClient:
    return asgi.get_client(app)  # type: ignore[arg-type]  # its scope type is a dict's


def _signed_in(app: TeamApp) -> str:
    """Register and sign in through the API: the access token of the run's user."""
    with _client(app) as client:  # entering runs the lifespan (migrate, start)
        registered = client.post(f"{BASE}/api/auth/register", headers=HOST,
                                 json={"email": EMAIL, "password": PASSWORD})
        assert registered.status_code == 201, registered.text
        login = client.post(f"{BASE}/api/auth/login", headers=HOST,
                            json={"email": EMAIL, "password": PASSWORD})
    assert login.status_code == 200, login.text
    token: str = login.json()["access_token"]
    return token


@pytest.fixture(scope="module")
def team_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TeamApp]:
    root: Path = tmp_path_factory.mktemp("team-openapi")
    # Thousands of generated requests, sign-ins among them, within a minute: far above team
    # mode's limits (20 sign-ins a minute per address), and a 429 would stand in for the
    # answer under test. The limits stay on; tests/team/test_rate_limits.py tests them.
    settings = Settings(data_dir=root / "data", workspace=root, open_browser=False,
                        limits={group: "1000000/minute" for group in GROUPS})
    team = TeamSettings(database_url=f"sqlite+aiosqlite:///{root}/team.sqlite3",
                        workspaces_dir=root / "ws")
    yield create_team_app(settings, team)
    asgi.shutdown_lifespans()  # the app's lifespan ran on schemathesis' event loop


@pytest.fixture(scope="module")
def api_schema(team_app: TeamApp) -> Any:
    token = _signed_in(team_app)
    # The token through the document's own `bearer` scheme, so schemathesis knows requests
    # are authenticated (it would otherwise count a dropped header as the invalid part).
    auth = SchemathesisConfig.from_dict({"auth": {"openapi": {"bearer": {"bearer": token}}}})
    return schemathesis.openapi.from_asgi(
        "/api/openapi.json", team_app, config=auth,
        headers={**HOST, "Authorization": f"Bearer {token}"},
    )


@pytest.fixture(autouse=True)
def _pytest9_node_id(request: pytest.FixtureRequest) -> None:
    # schemathesis 4.32's from_fixture reads `node._nodeid`, which pytest 9 no longer sets.
    request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("api_schema")
for _method, _path in EXCLUDED:
    schema = schema.exclude(method=_method, path=_path)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_team_openapi_document_matches_the_team_app(case: schemathesis.Case[Any]) -> None:
    response = case.call(headers=HOST)
    status = response.status_code
    assert status < 500 or status == 503, (status, response.text)
    if status >= 400:
        body = response.json()
        assert isinstance(body.get("detail"), str), (status, response.text)
    # Wrong credentials are tests/team/test_auth_api.py's subject.
    excluded = [ignored_auth]
    if case.operation.label not in ALWAYS_VALID:
        excluded.append(positive_data_acceptance)
        meta = case.meta
        if meta is not None and meta.generation.mode.is_positive:
            allowed = STATE_DEPENDENT | BEYOND_SCHEMA.get(case.operation.label, (set(), ""))[0]
            assert status < 400 or status in allowed, (status, response.text)
    case.validate_response(response, excluded_checks=excluded)


def test_team_document_lists_the_team_routes_and_no_workspace_route(
    team_app: TeamApp, tmp_path: Path,
) -> None:
    with _client(team_app) as client:
        answer = client.get(f"{BASE}/api/openapi.json", headers=HOST)
    assert answer.status_code == 200, answer.text
    paths: dict[str, dict[str, Any]] = answer.json()["paths"]
    documented = {(method.upper(), path) for path, item in paths.items() for method in item}
    routers = [health.router, auth_api.router, oauth_api.router, passkeys_api.router,
               teams_api.router, audit_api.router]
    routes = {(method, route.path) for router in routers for route in router.routes
              if isinstance(route, APIRoute) for method in route.methods or ()}
    assert documented == routes
    # A workspace's own routes live under /w/{id}: its app's document, not this one.
    local = create_app(Settings(workspace=tmp_path, data_dir=tmp_path / "data",
                                open_browser=False)).fastapi.openapi()
    assert set(paths) & set(local["paths"]) == {"/api/health", "/api/health/live",
                                                "/api/health/ready"}
    assert not [path for path in paths if path.startswith("/w/")]
    # Sign-in routes need no token; the rest say they need one.
    public = public_operations(routers)
    assert ("POST", "/api/auth/login") in public and ("GET", "/api/auth/me") not in public
    for method, path in documented:
        operation = paths[path][method.lower()]
        if (method, path) in public:
            assert operation["security"] == [], (method, path)
        else:
            assert "security" not in operation, (method, path)
        assert "401" in operation["responses"], (method, path)  # a wrong token, everywhere
