"""A crashed embedded-model server is reported as what happened, restarted with backoff, and
every status surface agrees (issue 8.2). Real llama.cpp processes, killed with real signals."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from pairpad.ai.provider_config import LocalModelSettings
from pairpad.ai.providers.base import ChatMessage, ProviderError, TextDelta
from pairpad.ai.providers.local import LocalModelServer, LocalProvider
from pairpad.app import PairpadApp, create_app
from pairpad.config import Settings
from pairpad.runtime.process import CrashBackoff
from tests.conftest import TEST_HOST, TEST_TOKEN
from tests.support.model import require_embedded_model
from tests.support.server import start_server

pytestmark = pytest.mark.model
MODEL = "smollm2-135m-instruct"
STORY = [ChatMessage("user", "Tell me a very long story about a dragon and a castle.")]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[LocalModelServer]:
    require_embedded_model()
    local = LocalModelServer(LocalModelSettings(n_ctx=1024), tmp_path / "logs")
    yield local
    await local.stop()


@pytest.fixture
async def provider(server: LocalModelServer) -> AsyncIterator[LocalProvider]:
    local = LocalProvider(server)
    yield local
    await local.aclose()


async def _kill(local: LocalModelServer, sig: int) -> None:
    pid = local.pid
    assert pid is not None
    os.kill(pid, sig)
    assert await local.wait_for_exit(10)


async def test_a_signal_death_is_named_with_its_log_and_advice(
        server: LocalModelServer, provider: LocalProvider) -> None:
    await server.ensure_running()
    assert (await provider.health()).state == "ready"
    await _kill(server, signal.SIGILL)
    health = await provider.health()
    assert health.ok is False and health.state == "crashed"
    assert "SIGILL" in health.detail and "CPU instruction" in health.detail
    assert "make setup" in health.detail  # what to do about it
    assert "llama-server.log" in health.detail
    assert "start it or set" not in health.detail


async def test_a_crash_mid_answer_says_so_instead_of_unreachable(
        server: LocalModelServer, provider: LocalProvider) -> None:
    await server.ensure_running()
    got_text = False
    with pytest.raises(ProviderError) as caught:
        async for event in provider.stream_chat(STORY, model=MODEL, max_tokens=400,
                                                temperature=0.8):
            if isinstance(event, TextDelta) and not got_text:
                got_text = True
                await _kill(server, signal.SIGSEGV)
    assert got_text
    assert "SIGSEGV" in caught.value.detail
    assert "unreachable" not in caught.value.detail
    assert caught.value.setting == "ai.local"


async def test_restarts_back_off_and_stop_after_repeated_crashes(tmp_path: Path) -> None:
    require_embedded_model()
    clock = FakeClock()
    backoff = CrashBackoff(delays=(0.0, 10.0), stable_after=120.0, clock=clock)
    local = LocalModelServer(LocalModelSettings(n_ctx=512), tmp_path / "logs", backoff)
    try:
        await local.ensure_running()
        await _kill(local, signal.SIGKILL)  # crash 1: restarted at once
        await local.ensure_running()
        assert local.starts == 2
        await _kill(local, signal.SIGKILL)  # crash 2: 10 s before the next start
        with pytest.raises(ProviderError) as waiting:
            await local.ensure_running()
        assert "after 10s" in waiting.value.detail and "SIGKILL" in waiting.value.detail
        assert local.starts == 2
        clock.now += 11
        await local.ensure_running()
        assert local.starts == 3
        await _kill(local, signal.SIGKILL)  # crash 3 in a row: no more restarts
        clock.now += 3600
        for _ in range(3):
            with pytest.raises(ProviderError) as stopped:
                await local.ensure_running()
        assert "stopped restarting it after 3 crashes" in stopped.value.detail
        assert local.starts == 3 and local.state == "crashed"
        # The user's explicit restart clears the streak.
        await local.restart()
        assert local.state == "ready" and local.starts == 4
    finally:
        await local.stop()


@pytest.fixture
async def app(workspace: Path, data_dir: Path) -> AsyncIterator[PairpadApp]:
    require_embedded_model()
    settings = Settings(workspace=workspace, data_dir=data_dir, token=TEST_TOKEN,
                        open_browser=False, ai={"local": {"preload": True, "n_ctx": 1024}})
    application = create_app(settings)
    async with application.fastapi.router.lifespan_context(application.fastapi):
        yield application


async def test_preload_starts_the_model_in_the_background(app: PairpadApp) -> None:
    local = app.services.ai.local_server
    # Start-up did not wait for the model: it is still loading (or just became ready).
    assert local.state in ("starting", "ready")
    async with asyncio.timeout(90):
        while local.state == "starting":
            await asyncio.sleep(0.1)
    assert local.state == "ready" and local.starts == 1


async def test_api_models_reports_the_crash(app: PairpadApp) -> None:
    local = app.services.ai.local_server
    await local.ensure_running()
    await _kill(local, signal.SIGILL)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url=f"http://{TEST_HOST}",
                                 headers={"Authorization": f"Bearer {TEST_TOKEN}"}) as http:
        body = (await http.get("/api/models")).json()
        (entry,) = [p for p in body["providers"] if p["name"] == "local"]
        assert entry["reachable"] is False and entry["state"] == "crashed"
        assert "SIGILL" in entry["detail"]
        assert [m["id"] for m in entry["models"]] == ["smollm2-135m-instruct"]
        restarted = await http.post("/api/models/local/restart")
        assert restarted.status_code == 200 and restarted.json()["state"] == "ready"
        (entry,) = [p for p in (await http.get("/api/models")).json()["providers"]
                    if p["name"] == "local"]
        assert entry["state"] == "ready" and entry["reachable"] is True


def test_pairpad_models_shows_the_running_servers_truth(workspace: Path, data_dir: Path
                                                         ) -> None:
    require_embedded_model()
    running = start_server(workspace, data_dir)
    try:
        headers = {**running.auth_headers, "Host": running.host_header}
        started = httpx.post(f"{running.base_url}/api/models/local/restart", headers=headers,
                             timeout=120)
        assert started.status_code == 200, started.text
        llama = [pid for pid in _children(running.process.pid)
                 if "llama_cpp.server" in _cmdline(pid)]
        assert len(llama) == 1
        os.kill(llama[0], signal.SIGILL)
        env = {**os.environ, "PAIRPAD_DATA_DIR": str(data_dir)}
        result = subprocess.run([sys.executable, "-m", "pairpad", "models", "--json"],
                                cwd=workspace, env=env, capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 0, result.stderr
        assert "via the running server" in result.stderr
        report = json.loads(result.stdout)
        (entry,) = [p for p in report["providers"] if p["name"] == "local"]
        assert entry["state"] == "crashed" and "SIGILL" in entry["detail"]
        assert report["roles"]["embed"] == "off"
    finally:
        running.stop()


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""
