"""Issue 9, findings 5, 8, 10 and 12 at the HTTP layer (the ASGI app, in process)."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import anyio.to_thread
import httpx
import pytest

from pairpad.app import PairpadApp, create_app
from pairpad.config import Settings
from tests.conftest import TEST_HOST, TEST_TOKEN
from tests.unit.auth.test_redirect import whatwg_is_same_origin

PORT = int(TEST_HOST.rsplit(":", 1)[1])
AUTH_COOKIE = f"pairpad_auth_{PORT}"


def browser(app: PairpadApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{TEST_HOST}")


# ---- finding 5: open redirect after the token login -----------------------------------


@pytest.mark.parametrize(
    "raw_path",
    [
        "/%5Cevil.com/",
        "/%09/evil.com/",
        "/%5C/evil.com/",
        "/%0A/evil.com/",
        "/%0D/evil.com/",
        "//%5Cevil.com/",
        "/%5C%5Cevil.com/",
        "/%2F%2Fevil.com/",
    ],
)
async def test_finding_5_no_open_redirect_after_token_login(app: PairpadApp, raw_path: str) -> None:
    async with browser(app) as http:
        response = await http.get(f"http://{TEST_HOST}{raw_path}?token={TEST_TOKEN}")
    assert response.status_code == 303
    location = response.headers["location"]
    assert whatwg_is_same_origin(location), location


# ---- finding 8: memory without a ceiling ------------------------------------------------


@pytest.fixture
async def small_limits(workspace: Path, data_dir: Path) -> AsyncIterator[PairpadApp]:
    settings = Settings(
        workspace=workspace, data_dir=data_dir, token=TEST_TOKEN, open_browser=False,
        max_file_size=1000,
    )  # fmt: skip
    application = create_app(settings)
    async with application.fastapi.router.lifespan_context(application.fastapi):
        yield application


class Body:
    """An ASGI request body fed in 64 KiB chunks, counting what the app pulled."""

    def __init__(self, chunks: int) -> None:
        self.left = chunks
        self.pulled = 0

    async def receive(self) -> dict[str, object]:
        if self.left == 0:
            return {"type": "http.disconnect"}
        self.left -= 1
        self.pulled += 1
        return {"type": "http.request", "body": b" " * 65536, "more_body": self.left > 0}


async def call(
    app: PairpadApp, headers: list[tuple[bytes, bytes]], body: Body
) -> tuple[int, bytes]:
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "PUT",
        "scheme": "http", "path": "/api/settings", "raw_path": b"/api/settings",
        "query_string": b"", "root_path": "", "server": ("127.0.0.1", PORT),
        "client": ("127.0.0.1", 50000),
        "headers": [
            (b"host", TEST_HOST.encode()),
            (b"authorization", f"Bearer {TEST_TOKEN}".encode()),
            (b"content-type", b"application/json"),
            *headers,
        ],
    }  # fmt: skip
    sent: list[dict[str, object]] = []

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    await app(scope, body.receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")  # type: ignore[misc]
    return int(start["status"]), content  # type: ignore[call-overload]


async def test_finding_8_a_declared_body_over_the_limit_is_refused_unread(
    small_limits: PairpadApp,
) -> None:
    limit = small_limits.settings.max_request_body
    chunks = limit // 65536 + 2
    body = Body(chunks)
    status, content = await call(
        small_limits, [(b"content-length", str(chunks * 65536).encode())], body
    )
    assert status == 413
    assert str(limit) in json.loads(content)["detail"]
    assert body.pulled == 0


async def test_finding_8_a_streamed_body_is_cut_at_the_limit(small_limits: PairpadApp) -> None:
    limit = small_limits.settings.max_request_body
    body = Body(limit // 65536 * 4)
    status, content = await call(small_limits, [(b"transfer-encoding", b"chunked")], body)
    assert status == 413
    assert "limit" in json.loads(content)["detail"]
    assert body.pulled * 65536 <= limit + 65536  # never more than one chunk past the limit


async def test_a_body_within_the_limit_still_works(client: httpx.AsyncClient) -> None:
    response = await client.put("/api/settings", json={"values": {"editor.tabSize": 2}})
    assert response.status_code == 200


async def test_finding_8_an_unknown_settings_key_is_not_echoed_in_full(
    client: httpx.AsyncClient,
) -> None:
    key = "k" * 1_000_000
    many = {f"unknown.{n}": 1 for n in range(1000)}
    response = await client.put("/api/settings", json={"values": {key: 1, **many}})
    assert response.status_code == 422
    assert len(response.content) < 2000
    assert "kkkk" in response.json()["detail"] and "more" in response.json()["detail"]


# ---- finding 10: local-server details ---------------------------------------------------


async def test_finding_10_cookie_is_named_per_port_and_holds_no_token(app: PairpadApp) -> None:
    async with browser(app) as http:
        response = await http.get(f"/?token={TEST_TOKEN}")
        cookies = response.headers.get_list("set-cookie")
        assert any(c.startswith(f"{AUTH_COOKIE}=") for c in cookies)
        assert not any(TEST_TOKEN in c for c in cookies)
        # the raw-token cookie of earlier versions is deleted
        assert any(c.startswith("pairpad_token=;") and "Max-Age=0" in c for c in cookies)
        assert (await http.get("/api/settings")).status_code == 200
    # A cookie holding the raw token (what other local servers used to receive) is no key.
    async with browser(app) as http:
        http.cookies.set(AUTH_COOKIE, TEST_TOKEN)
        http.cookies.set("pairpad_token", TEST_TOKEN)
        assert (await http.get("/api/settings")).status_code == 401


async def test_finding_10_token_guessing_is_slowed_down(app: PairpadApp) -> None:
    async with browser(app) as http:
        await http.get(f"/?token={TEST_TOKEN}")  # the user's browser is signed in
        statuses = [
            (await http.get("/api/workspace", headers={"Authorization": f"Bearer guess{n}"}))
            .status_code
            for n in range(12)
        ]
        assert statuses[:11] == [401] * 11
        assert statuses[11] == 429
        # Even the right token is not checked while the client waits: no faster guessing.
        right = await http.get("/api/workspace", headers={"Authorization": f"Bearer {TEST_TOKEN}"})
        assert right.status_code == 429
        assert int(right.headers["retry-after"]) >= 1
        assert (await http.get(f"/?token={TEST_TOKEN}")).status_code == 429
        # The signed-in browser (cookie) keeps working: a guesser cannot lock the user out.
        assert (await http.get("/api/workspace")).status_code == 200


@pytest.mark.parametrize(
    "host",
    [
        "[::1]evil.com",
        f"localhost:{PORT}.evil",
        f"127.0.0.1:{PORT}@evil.com",
        f"127.0.0.1:{PORT} evil.com",
        "localhost:",
    ],
)
async def test_finding_10_odd_host_headers_are_refused(
    anonymous: httpx.AsyncClient, host: str
) -> None:
    response = await anonymous.get("/api/health", headers={"Host": host})
    assert response.status_code == 403


async def test_finding_10_duplicate_host_headers_are_refused(
    anonymous: httpx.AsyncClient,
) -> None:
    headers = [("Host", TEST_HOST), ("Host", "evil.example")]
    response = await anonymous.get("/api/health", headers=headers)
    assert response.status_code == 403


async def test_finding_10_engineio_polling_sends_no_cors_headers(
    anonymous: httpx.AsyncClient,
) -> None:
    same_origin = await anonymous.get(
        "/socket.io/?EIO=4&transport=polling", headers={"Origin": f"http://{TEST_HOST}"}
    )
    assert same_origin.status_code == 200
    assert not [h for h in same_origin.headers if h.startswith("access-control-")]
    foreign = await anonymous.get(
        "/socket.io/?EIO=4&transport=polling", headers={"Origin": "http://evil.example"}
    )
    assert foreign.status_code == 403


async def test_finding_10_no_swagger_page_that_the_csp_would_break(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/docs")
    assert response.status_code == 404
    assert "swagger" not in response.text.lower()
    assert (await client.get("/api/openapi.json")).status_code == 200


# ---- finding 12: the API's per-request cost ---------------------------------------------


async def test_finding_12_a_request_takes_no_thread_hop(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The `get_services` dependency was a plain `def`, so FastAPI ran it in the thread pool
    on every request."""
    await client.get("/api/settings")  # warm: the database connection is open
    hops: list[object] = []
    real = anyio.to_thread.run_sync

    async def counting(func: object, *args: object, **kwargs: object) -> object:
        hops.append(func)
        return await real(func, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    assert (await client.get("/api/settings")).status_code == 200
    assert hops == []


async def test_finding_12_a_file_read_reopens_neither_the_root_nor_any_route(
    app: PairpadApp, client: httpx.AsyncClient, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each read opened the workspace root again (a path lookup and two inotify events
    that woke the watcher's thread), and walked five included routers before its route."""
    (workspace / "a.txt").write_text("a\n")
    assert (await client.get("/api/files/content", params={"path": "a.txt"})).status_code == 200
    opened: list[object] = []
    real_open = os.open

    def counting(path: object, *args: object, **kwargs: object) -> int:
        opened.append(path)
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", counting)
    response = await client.get("/api/files/content", params={"path": "a.txt"})
    assert response.status_code == 200 and response.json()["content"] == "a\n"
    assert opened == ["a.txt"]  # the file, from the held root descriptor; nothing else
    routes = app.fastapi.router.routes
    first = [getattr(route, "path", "") for route in routes[:3]]
    assert first == ["/api/openapi.json", "/api/files/tree", "/api/files/content"]


async def test_finding_12_the_document_keeps_its_order(client: httpx.AsyncClient) -> None:
    """The app matches its hot routes first; the OpenAPI document still reads by feature."""
    paths = list((await client.get("/api/openapi.json")).json()["paths"])
    assert paths[:5] == ["/api/health", "/api/health/live", "/api/health/ready", "/api/settings",
                         "/api/workspace"]
    assert paths.index("/api/files/tree") < paths.index("/api/search") < paths.index(
        "/api/conversations"
    )
