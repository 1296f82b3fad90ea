"""GET /api/models and the provider/role settings: keys write-only, encrypted, validated."""

from __future__ import annotations

import asyncio
import importlib.util
import sqlite3
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from pairpad.app import create_app
from pairpad.config import Settings
from tests.conftest import TEST_HOST, TEST_TOKEN

SECRET = "sk-test-DO-NOT-LEAK-1234567890"


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


@pytest.fixture
async def configured(workspace: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
                     ) -> AsyncIterator[tuple[httpx.AsyncClient, Settings]]:
    """An app with TOML-style AI settings and an OPENAI_API_KEY in the environment; provider
    `stuck` accepts connections and never answers."""
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    held: list[asyncio.StreamWriter] = []

    async def never_answer(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    silent = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = silent.sockets[0].getsockname()[1]
    settings = Settings(
        workspace=workspace, data_dir=data_dir, token=TEST_TOKEN, open_browser=False,
        ai={"providers": {"myollama": {"kind": "ollama", "base_url": "http://127.0.0.1:9"},
                          "stuck": {"kind": "ollama", "base_url": f"http://127.0.0.1:{port}"}},
            "roles": {"chat": "myollama:qwen2.5-coder:7b"}, "probe_timeout": 1.0},
    )
    app = create_app(settings)
    async with app.fastapi.router.lifespan_context(app.fastapi), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=f"http://{TEST_HOST}",
        headers={"Authorization": f"Bearer {TEST_TOKEN}"},
    ) as client:
        yield client, settings
    for writer in held:
        writer.close()
    silent.close()


async def test_defaults_are_the_embedded_model(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/models", params={"probe": "false"})).json()
    assert {r["ref"] for r in body["roles"].values()} == {"local:smollm2-135m-instruct"}
    assert set(body["roles"]) == {"chat", "autocomplete", "edit", "apply", "embed"}
    (local,) = [p for p in body["providers"] if p["name"] == "local"]
    assert local["kind"] == "local" and local["origin"] == "builtin"


async def test_needs_auth(anonymous: httpx.AsyncClient) -> None:
    assert (await anonymous.get("/api/models")).status_code == 401
    assert (await anonymous.put("/api/models/roles", json={"roles": {}})).status_code == 401


async def test_toml_roles_env_keys_and_reachability(
    configured: tuple[httpx.AsyncClient, Settings],
) -> None:
    client, _settings = configured
    async with asyncio.timeout(60):  # a hang guard only; the probe bound is checked below
        response = await client.get("/api/models")
    body = response.json()
    assert body["roles"]["chat"]["ref"] == "myollama:qwen2.5-coder:7b"
    providers = {p["name"]: p for p in body["providers"]}
    assert providers["myollama"]["reachable"] is False
    assert "ai.providers.myollama.base_url" in providers["myollama"]["detail"]
    # A provider that never answers is cut off at the configured probe timeout (1 s here).
    stuck = providers["stuck"]
    assert stuck["reachable"] is False and stuck["models"] == []
    assert "did not answer within 1s" in stuck["detail"]
    assert "ai.providers.stuck.base_url" in stuck["detail"]
    openai = providers["openai"]  # present because OPENAI_API_KEY is set
    assert openai["has_api_key"] is True and openai["key_source"] == "env"
    assert SECRET not in response.text
    assert providers["local"]["reachable"] is True  # lazy: reachable without starting


async def test_stored_key_is_encrypted_and_never_returned(
    client: httpx.AsyncClient, settings: Settings,
) -> None:
    response = await client.put("/api/models/providers/work", json={
        "kind": "openai_compat", "base_url": "http://127.0.0.1:9/v1", "api_key": SECRET})
    assert response.status_code == 200, response.text
    assert response.json()["has_api_key"] is True and response.json()["key_source"] == "stored"
    listing = await client.get("/api/models", params={"probe": "false"})
    assert SECRET not in response.text and SECRET not in listing.text
    ((stored,),) = rows(settings.database_path, "SELECT api_key_encrypted FROM ai_providers")
    assert isinstance(stored, bytes) and SECRET.encode() not in stored
    key_file = settings.data_dir / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # Updating without api_key keeps it; "" clears it.
    kept = await client.put("/api/models/providers/work", json={
        "kind": "openai_compat", "base_url": "http://127.0.0.1:9/v1"})
    assert kept.json()["has_api_key"] is True
    cleared = await client.put("/api/models/providers/work", json={
        "kind": "openai_compat", "base_url": "http://127.0.0.1:9/v1", "api_key": ""})
    assert cleared.json()["has_api_key"] is False
    assert (await client.delete("/api/models/providers/work")).status_code == 204
    assert rows(settings.database_path, "SELECT * FROM ai_providers") == []


@pytest.mark.parametrize(
    ("name", "body", "needle"),
    [
        ("bad", {"kind": "cloud9"}, "kind"),
        ("bad", {"kind": "ollama", "base_url": "ftp://x"}, "base_url must start with http"),
        ("bad", {"kind": "ollama", "timeout": -1}, "timeout"),
        ("bad", {"kind": "openai_compat", "api_key_env": "NOT VALID"}, "api_key_env"),
        ("local", {"kind": "ollama"}, "Invalid provider name"),
        ("a:b", {"kind": "ollama"}, "Invalid provider name"),
    ],
)
async def test_invalid_provider_settings_store_nothing(
    client: httpx.AsyncClient, settings: Settings, name: str, body: dict[str, object],
    needle: str,
) -> None:
    response = await client.put(f"/api/models/providers/{name}", json=body)
    assert response.status_code == 422
    assert needle in response.json()["detail"]
    assert rows(settings.database_path, "SELECT * FROM ai_providers") == []


async def test_roles_are_validated_then_persisted(
    client: httpx.AsyncClient, settings: Settings,
) -> None:
    for roles, needle in [({"chat": "nope:model"}, "unknown provider 'nope'"),
                          ({"chat": "no-colon"}, "provider:model"),
                          ({"tea": "local:x"}, "unknown role")]:
        response = await client.put("/api/models/roles", json={"roles": roles})
        assert response.status_code == 422 and needle in response.json()["detail"]
    assert rows(settings.database_path, "SELECT * FROM ai_roles") == []

    await client.put("/api/models/providers/lab", json={"kind": "ollama"})
    response = await client.put("/api/models/roles", json={"roles": {"edit": "lab:qwen:7b"}})
    assert response.status_code == 200
    assert response.json()["roles"]["edit"]["ref"] == "lab:qwen:7b"
    assert rows(settings.database_path, "SELECT role, model_ref FROM ai_roles") == [
        ("edit", "lab:qwen:7b")]
    reset = await client.put("/api/models/roles", json={"roles": {"edit": None}})
    assert reset.json()["roles"]["edit"]["ref"] == "local:smollm2-135m-instruct"


async def test_unknown_provider_in_toml_is_reported_not_fatal(
    workspace: Path, data_dir: Path,
) -> None:
    settings = Settings(workspace=workspace, data_dir=data_dir, token=TEST_TOKEN,
                        open_browser=False, ai={"roles": {"chat": "ghost:model"}})
    app = create_app(settings)
    async with app.fastapi.router.lifespan_context(app.fastapi), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=f"http://{TEST_HOST}",
        headers={"Authorization": f"Bearer {TEST_TOKEN}"},
    ) as client:
        body = (await client.get("/api/models", params={"probe": "false"})).json()
    assert any("ai.roles.chat" in p and "ghost" in p for p in body["problems"])


async def test_local_model_missing_file_is_reported_unreachable(
    workspace: Path, data_dir: Path, tmp_path: Path,
) -> None:
    missing = tmp_path / "nowhere" / "model.gguf"
    settings = Settings(workspace=workspace, data_dir=data_dir, token=TEST_TOKEN,
                        open_browser=False, ai={"local": {"model_path": str(missing)}})
    app = create_app(settings)
    async with app.fastapi.router.lifespan_context(app.fastapi), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=f"http://{TEST_HOST}",
        headers={"Authorization": f"Bearer {TEST_TOKEN}"},
    ) as client:
        body = (await client.get("/api/models")).json()
        assert not app.services.ai.local_server.running  # checked without starting anything
    (local,) = [p for p in body["providers"] if p["name"] == "local"]
    assert local["reachable"] is False
    assert str(missing) in local["detail"] and "ai.local.model_path" in local["detail"]


async def test_local_model_without_llama_cpp_is_reported_unreachable(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "llama_cpp"
                        else real_find_spec(name, *a))
    body = (await client.get("/api/models")).json()
    (local,) = [p for p in body["providers"] if p["name"] == "local"]
    assert local["reachable"] is False and "llama-cpp-python is not installed" in local["detail"]
