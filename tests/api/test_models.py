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

from pairpad.ai.providers.errors import is_loopback_url
from pairpad.app import create_app
from pairpad.config import Settings
from tests.conftest import TEST_HOST, TEST_TOKEN
from tests.support.openai_server import scripted_openai

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
    assert set(body["roles"]) == {"chat", "autocomplete", "edit", "apply", "embed"}
    roles = body["roles"]
    assert {roles[r]["ref"] for r in roles if r != "embed"} == {"local:smollm2-135m-instruct"}
    # The embedded chat model cannot embed: the role is off, as the index status says.
    assert roles["embed"]["off"] is True and roles["embed"]["ref"] is None
    assert "ai.roles.embed is not set" in roles["embed"]["detail"]
    index = (await client.get("/api/index/status")).json()
    assert "ai.roles.embed is not set" in str(index)
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


# -- "Test connection" (POST /api/models/test, POST /api/models/providers/{name}/test) --------


async def test_testing_an_unsaved_provider_lists_its_models_and_stores_nothing(
    client: httpx.AsyncClient, settings: Settings,
) -> None:
    with scripted_openai(models=["alpha-7b", "beta-70b"]) as server:
        response = await client.post("/api/models/test", json={
            "name": "lab", "kind": "openai_compat", "base_url": server.base_url,
            "api_key": SECRET, "context_window": 4096})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is True and body["detail"] == "ok"
    assert isinstance(body["latency_ms"], float) and body["latency_ms"] >= 0
    assert [m["id"] for m in body["models"]] == ["alpha-7b", "beta-70b"]
    assert {m["context_window"] for m in body["models"]} == {4096}  # the window typed in the UI
    # The key typed in the form is the one sent, to the URL typed; it is never echoed back.
    assert set(server.authorizations()) == {f"Bearer {SECRET}"}
    assert SECRET not in response.text
    assert rows(settings.database_path, "SELECT * FROM ai_providers") == []


async def test_testing_uses_the_stored_key_as_saving_would(client: httpx.AsyncClient) -> None:
    with scripted_openai() as server:
        saved = await client.put("/api/models/providers/lab", json={
            "kind": "openai_compat", "base_url": server.base_url, "api_key": SECRET})
        assert saved.status_code == 200
        form = {"name": "lab", "kind": "openai_compat", "base_url": server.base_url}
        kept = await client.post("/api/models/test", json=form)  # key left blank: kept
        cleared = await client.post("/api/models/test", json={**form, "api_key": ""})
        other = await client.post("/api/models/test", json={**form, "name": "other"})
        by_name = await client.post("/api/models/providers/lab/test")
    assert [r.json()["ok"] for r in (kept, cleared, other, by_name)] == [True] * 4
    assert server.authorizations() == [
        f"Bearer {SECRET}", f"Bearer {SECRET}",  # kept: health + model list
        "Bearer no-key", "Bearer no-key",  # "" clears it: no key at all
        "Bearer no-key", "Bearer no-key",  # another provider's key is not borrowed
        f"Bearer {SECRET}", f"Bearer {SECRET}",  # the saved provider, by name
    ]


async def test_testing_an_env_key_goes_only_to_its_own_endpoint(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    with scripted_openai() as server:
        response = await client.post("/api/models/test", json={
            "name": "lab", "kind": "openai_compat", "base_url": server.base_url})
    assert response.json()["ok"] is True
    assert SECRET not in " ".join(a or "" for a in server.authorizations())


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"kind": "ollama", "base_url": "ftp://x"}, "base_url must start with http"),
        ({"kind": "openai_compat", "api_key_env": "NOT VALID"}, "api_key_env"),
        ({"kind": "ollama", "name": "a:b"}, "Invalid provider name"),
        ({"kind": "ollama", "context_window": 0}, "context_window"),
    ],
)
async def test_testing_validates_like_saving(
    client: httpx.AsyncClient, body: dict[str, object], needle: str,
) -> None:
    response = await client.post("/api/models/test", json=body)
    assert response.status_code == 422 and needle in response.json()["detail"]


async def test_testing_is_bounded_by_the_probe_timeout(
    configured: tuple[httpx.AsyncClient, Settings],
) -> None:
    client, _settings = configured
    listing = (await client.get("/api/models", params={"probe": "false"})).json()
    (stuck,) = [p for p in listing["providers"] if p["name"] == "stuck"]
    async with asyncio.timeout(60):  # a hang guard only
        saved = await client.post("/api/models/providers/stuck/test")
        unsaved = await client.post("/api/models/test", json={
            "name": "stuck2", "kind": "ollama", "base_url": stuck["base_url"]})
    for response, name in ((saved, "stuck"), (unsaved, "stuck2")):
        body = response.json()
        assert body["ok"] is False and body["models"] == [] and body["latency_ms"] is None
        assert f"Provider '{name}' did not answer within 1s" in body["detail"]
    assert (await client.post("/api/models/providers/ghost/test")).status_code == 404


async def test_unreachable_advice_depends_on_the_host(client: httpx.AsyncClient) -> None:
    local = await client.post("/api/models/test", json={
        "name": "lab", "kind": "openai_compat", "base_url": "http://127.0.0.1:9/v1"})
    assert "start it or set ai.providers.lab.base_url" in local.json()["detail"]
    # A cloud host cannot be "started": the advice is the network or the URL.
    remote = (await client.post("/api/models/test", json={
        "name": "cloud", "kind": "openai_compat", "base_url": "http://pairpad.invalid/v1"})).json()
    assert remote["ok"] is False and "start it" not in remote["detail"]
    assert "check the network and the URL or set ai.providers.cloud.base_url" in remote["detail"]
    for url, loopback in [("http://localhost:1234/v1", True), ("http://[::1]:8000", True),
                          ("http://127.0.0.2:8000", True), ("https://api.openai.com/v1", False),
                          ("http://10.0.0.5:8000/v1", False)]:
        assert is_loopback_url(url) is loopback, url
