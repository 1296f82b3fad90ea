"""Local-mode security (DESIGN.md §6) at the HTTP layer."""

from __future__ import annotations

import httpx
import pytest

from pairpad.app import PairpadApp
from tests.conftest import TEST_HOST, TEST_TOKEN

AUTH_COOKIE = f"pairpad_auth_{TEST_HOST.rsplit(':', 1)[1]}"  # named after the server's port


def browser_client(app: PairpadApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{TEST_HOST}")


async def login(http: httpx.AsyncClient) -> str:
    """Visit /?token=…, keep the cookies, return the XSRF value."""
    response = await http.get(f"/?token={TEST_TOKEN}")
    assert response.status_code == 303
    return http.cookies["_xsrf"]


async def test_health_needs_no_credentials(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get("/api/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize(
    "path",
    ["/api/settings", "/api/workspace", "/api/openapi.json", "/", "/socket.io-lookalike"],
)
async def test_no_credentials_is_401_json(anonymous: httpx.AsyncClient, path: str) -> None:
    response = await anonymous.get(path)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert "token" in response.json()["detail"]


async def test_wrong_bearer_is_401(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get("/api/settings", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


async def test_bearer_token_is_accepted(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/settings")).status_code == 200


async def test_token_url_sets_httponly_strict_cookie_and_redirects(app: PairpadApp) -> None:
    async with browser_client(app) as http:
        response = await http.get(f"/?token={TEST_TOKEN}&file=a.py")
        assert response.status_code == 303
        assert response.headers["location"] == "/?file=a.py"
        cookies = response.headers.get_list("set-cookie")
        auth = next(c for c in cookies if c.startswith(f"{AUTH_COOKIE}="))
        assert "HttpOnly" in auth and "SameSite=Strict" in auth
        xsrf = next(c for c in cookies if c.startswith("_xsrf="))
        assert "HttpOnly" not in xsrf
        assert (await http.get("/api/settings")).status_code == 200


async def test_token_redirect_stays_on_this_origin(app: PairpadApp) -> None:
    async with browser_client(app) as http:
        response = await http.get(f"http://{TEST_HOST}//evil.example/?token={TEST_TOKEN}")
        assert response.status_code == 303
        assert response.headers["location"] == "/evil.example/"


async def test_invalid_token_url_is_refused(app: PairpadApp) -> None:
    async with browser_client(app) as http:
        response = await http.get("/?token=wrong")
        assert response.status_code == 401
        assert AUTH_COOKIE not in http.cookies


async def test_cookie_write_without_xsrf_header_is_403(app: PairpadApp) -> None:
    async with browser_client(app) as http:
        await login(http)
        response = await http.put("/api/settings", json={"values": {"editor.fontSize": 20}})
        assert response.status_code == 403
        assert "XSRF" in response.json()["detail"]
        # and nothing was stored
        assert (await http.get("/api/settings")).json()["values"]["editor.fontSize"] == 14


async def test_cookie_write_with_wrong_xsrf_header_is_403(app: PairpadApp) -> None:
    async with browser_client(app) as http:
        await login(http)
        response = await http.put(
            "/api/settings",
            json={"values": {"editor.fontSize": 20}},
            headers={"X-XSRF-Token": "forged"},
        )
        assert response.status_code == 403


async def test_cookie_write_with_xsrf_header_succeeds(app: PairpadApp) -> None:
    async with browser_client(app) as http:
        xsrf = await login(http)
        response = await http.put(
            "/api/settings",
            json={"values": {"editor.fontSize": 20}},
            headers={"X-XSRF-Token": xsrf},
        )
        assert response.status_code == 200
        assert response.json()["values"]["editor.fontSize"] == 20


async def test_foreign_host_header_is_403_even_with_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/settings", headers={"Host": "evil.example"})
    assert response.status_code == 403
    assert "Host" in response.json()["detail"]


async def test_foreign_host_is_refused_on_public_paths_too(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get("/api/health", headers={"Host": "evil.example:8765"})
    assert response.status_code == 403


@pytest.mark.parametrize("host", ["localhost:1234", "127.0.0.1", "[::1]:9"])
async def test_loopback_host_names_are_allowed(anonymous: httpx.AsyncClient, host: str) -> None:
    response = await anonymous.get("/api/health", headers={"Host": host})
    assert response.status_code == 200


async def test_cross_origin_write_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.put(
        "/api/settings",
        json={"values": {"editor.fontSize": 20}},
        headers={"Origin": "http://evil.example"},
    )
    assert response.status_code == 403
    assert (await client.get("/api/settings")).json()["values"]["editor.fontSize"] == 14


async def test_same_origin_write_is_allowed(client: httpx.AsyncClient) -> None:
    response = await client.put(
        "/api/settings",
        json={"values": {"editor.tabSize": 2}},
        headers={"Origin": f"http://{TEST_HOST}"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/api/health", "/api/nope", "/"])
async def test_security_headers_on_every_response(anonymous: httpx.AsyncClient, path: str) -> None:
    response = await anonymous.get(path)
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "worker-src 'self' blob:" in csp
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp
    assert "connect-src 'self';" in csp  # no ws:/wss: wildcard to any host
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_no_cors_headers_for_foreign_origin(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/health", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in response.headers


async def test_request_id_header(anonymous: httpx.AsyncClient) -> None:
    first = await anonymous.get("/api/health")
    second = await anonymous.get("/api/health")
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
