"""`GET /api/runtime` and `POST /api/run` on the real app (real sandboxed processes)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx
import pytest

from pairpad.app import PairpadApp, create_app
from pairpad.config import Settings
from pairpad.runtime.settings import RuntimeSettings
from tests.api.test_authorization import Refusing
from tests.conftest import TEST_HOST, TEST_TOKEN

CI = os.environ.get("CI") == "true"


async def test_runtime_says_which_sandbox_and_the_limits(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/runtime")
    assert response.status_code == 200
    body = response.json()
    assert body["sandbox"] in ("bubblewrap", "landlock", "none")
    if CI:
        assert body["sandbox"] == "bubblewrap", body["detail"]
    assert body["network"] is False and body["unsandboxed_allowed"] is False
    assert body["detail"]
    assert body["limits"]["timeout_s"] == 60 and body["limits"]["max_timeout_s"] == 3600
    assert set(body["limits"]) == {"timeout_s", "max_timeout_s", "cpu_s", "memory_mb",
                                   "file_size_mb", "open_files", "processes", "processes_by",
                                   "output_bytes"}


async def test_a_run_answers_its_result(client: httpx.AsyncClient, workspace: Path) -> None:
    (workspace / "data.txt").write_text("one\ntwo\n")
    response = await client.post("/api/run", json={
        "argv": ["sh", "-c", "wc -l < data.txt; echo oops >&2; exit 3"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["exit_code"] == 3 and body["signal"] is None
    assert body["stdout"] == "2\n" and body["stderr"] == "oops\n"
    assert body["truncated"] is False and body["timed_out"] is False
    assert body["duration_ms"] >= 0 and body["sandbox"] in ("bubblewrap", "landlock")
    assert set(body) == {"exit_code", "signal", "stdout", "stderr", "truncated", "timed_out",
                         "duration_ms", "sandbox"}


async def test_a_run_that_outlives_its_timeout(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/run", json={"argv": ["sleep", "30"], "timeout_s": 0.5})
    body = response.json()
    assert body["timed_out"] is True and body["signal"] == "SIGKILL" and body["exit_code"] is None
    assert body["duration_ms"] < 5000


@pytest.mark.parametrize(("body", "message"), [
    ({"argv": []}, "argv: List should have at least 1 item"),
    ({"argv": "ls -la"}, "argv: Input should be a valid list"),
    ({"argv": ["ls", 3]}, "argv.1: Input should be a valid string"),
    ({"argv": ["cat", "a\u0000b"]}, r"argv\[1\] contains a NUL"),
    ({}, "argv: Field required"),
    ({"argv": ["true"], "timeout_s": 0}, "timeout_s must be > 0"),
    ({"argv": ["true"], "timeout_s": -5}, "timeout_s must be > 0"),
    ({"argv": ["true"], "timeout_s": 86400}, "at most 3600"),
    ({"argv": ["true"], "network": "yes"}, "network: Input should be a valid boolean"),
])
async def test_bad_requests_are_422_with_a_detail(
    client: httpx.AsyncClient, body: dict[str, object], message: str
) -> None:
    response = await client.post("/api/run", json=body)
    assert response.status_code == 422, response.text
    assert re.search(message, response.json()["detail"]), response.json()["detail"]


async def test_network_needs_the_setting(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/run", json={"argv": ["true"], "network": True})
    assert response.status_code == 403
    assert "runtime.network" in response.json()["detail"]


async def test_no_sandbox_refuses_unless_the_setting_allows(
    workspace: Path, data_dir: Path
) -> None:
    for allowed, status in ((False, 503), (True, 200)):
        settings = Settings(workspace=workspace, data_dir=data_dir, token=TEST_TOKEN,
                            open_browser=False,
                            runtime=RuntimeSettings(sandbox="none", allow_unsandboxed=allowed))
        application = create_app(settings)
        async with application.fastapi.router.lifespan_context(application.fastapi), \
                httpx.AsyncClient(transport=httpx.ASGITransport(app=application),
                                  base_url=f"http://{TEST_HOST}",
                                  headers={"Authorization": f"Bearer {TEST_TOKEN}"}) as http:
            info = (await http.get("/api/runtime")).json()
            assert info["sandbox"] == "none" and info["unsandboxed_allowed"] is allowed
            response = await http.post("/api/run", json={"argv": ["echo", "hi"]})
            assert response.status_code == status, response.text
            if allowed:
                assert response.json()["stdout"] == "hi\n"
                assert response.json()["sandbox"] == "none"
            else:
                assert "runtime.allow_unsandboxed" in response.json()["detail"]


async def test_output_over_the_cap_is_cut_with_a_marker(
    workspace: Path, data_dir: Path
) -> None:
    settings = Settings(workspace=workspace, data_dir=data_dir, token=TEST_TOKEN,
                        open_browser=False, runtime=RuntimeSettings(output_bytes=4096))
    application = create_app(settings)
    async with application.fastapi.router.lifespan_context(application.fastapi), \
            httpx.AsyncClient(transport=httpx.ASGITransport(app=application),
                              base_url=f"http://{TEST_HOST}",
                              headers={"Authorization": f"Bearer {TEST_TOKEN}"}) as http:
        response = await http.post("/api/run", json={
            "argv": ["python3", "-c", "print('z' * 10000)"]})
        body = response.json()
        assert body["truncated"] is True
        assert body["stdout"] == "z" * 4096 + (
            "\n[pairpad: stdout cut here after 4096 bytes; 5905 more bytes were read and "
            "dropped]\n")


async def test_a_refused_execute_is_403(client: httpx.AsyncClient, app: PairpadApp) -> None:
    app.services.authorizer = Refusing(("execute", "runtime"))
    response = await client.post("/api/run", json={"argv": ["touch", "x"]})
    assert response.status_code == 403
    assert response.json() == {"detail": "Not allowed: execute on runtime."}
    assert (await client.get("/api/runtime")).status_code == 200
