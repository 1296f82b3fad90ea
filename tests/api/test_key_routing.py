"""An API key from the environment goes only to a provider that names it (`api_key_env`) or to
that key's own official endpoint — never by default to a host the user typed (issue 8.3)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from pairpad.ai.provider_config import ProviderConfig
from pairpad.app import create_app
from pairpad.config import Settings
from tests.conftest import TEST_HOST, TEST_TOKEN
from tests.support.openai_server import scripted_openai

OPENAI_SECRET = "sk-env-openai-NEVER-ELSEWHERE-123"
ANTHROPIC_SECRET = "sk-ant-env-NEVER-ELSEWHERE-456"
NAMED_SECRET = "sk-named-by-the-provider-789"


@pytest.fixture
async def client(workspace: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
                 ) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_SECRET)
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_SECRET)
    monkeypatch.setenv("MY_PROXY_KEY", NAMED_SECRET)
    settings = Settings(workspace=workspace, data_dir=data_dir, token=TEST_TOKEN,
                        open_browser=False, ai={"probe_timeout": 5.0})
    app = create_app(settings)
    async with app.fastapi.router.lifespan_context(app.fastapi), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=f"http://{TEST_HOST}",
        headers={"Authorization": f"Bearer {TEST_TOKEN}"},
    ) as http:
        yield http


async def test_blank_key_fields_send_no_env_key_to_a_typed_host(
    client: httpx.AsyncClient,
) -> None:
    with scripted_openai() as server:
        saved = await client.put("/api/models/providers/mine", json={
            "kind": "openai_compat", "base_url": server.base_url})
        assert saved.status_code == 200, saved.text
        assert saved.json()["has_api_key"] is False and saved.json()["key_source"] == "none"
        assert saved.json()["api_key_env"] is None
        tested = await client.post("/api/models/providers/mine/test")
        assert tested.json()["ok"] is True, tested.text
        # The unsaved-config test route follows the same rule.
        await client.post("/api/models/test", json={
            "name": "other", "kind": "openai_compat", "base_url": server.base_url})
    sent = [value or "" for value in server.authorizations()]
    assert sent, "the scripted server saw no request"
    assert not any(OPENAI_SECRET in value for value in sent), sent
    assert not any(ANTHROPIC_SECRET in value for value in sent)


async def test_a_provider_that_names_an_env_var_gets_that_key_only(
    client: httpx.AsyncClient,
) -> None:
    with scripted_openai() as server:
        saved = await client.put("/api/models/providers/proxy", json={
            "kind": "openai_compat", "base_url": server.base_url,
            "api_key_env": "MY_PROXY_KEY"})
        assert saved.json()["key_source"] == "env"
        assert (await client.post("/api/models/providers/proxy/test")).json()["ok"] is True
    assert server.authorizations() and all(
        value == f"Bearer {NAMED_SECRET}" for value in server.authorizations())


async def test_env_key_still_reaches_its_official_endpoint(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/models", params={"probe": "false"})).json()
    providers = {p["name"]: p for p in body["providers"]}
    # Built-in providers for the conventional env vars point at the official hosts.
    assert providers["openai"]["key_source"] == "env"
    assert providers["anthropic"]["key_source"] == "env"
    assert OPENAI_SECRET not in str(body) and ANTHROPIC_SECRET not in str(body)


@pytest.mark.parametrize(("config", "expected"), [
    ({"kind": "openai_compat"}, "OPENAI_API_KEY"),
    ({"kind": "openai_compat", "base_url": "https://api.openai.com/v1"}, "OPENAI_API_KEY"),
    ({"kind": "openai_compat", "base_url": "http://api.openai.com/v1"}, None),  # not TLS
    ({"kind": "openai_compat", "base_url": "https://api.openai.com.evil.test/v1"}, None),
    ({"kind": "openai_compat", "base_url": "https://api.openai.com:8443/v1"}, None),
    ({"kind": "openai_compat", "base_url": "https://u:p@api.openai.com/v1"}, None),
    ({"kind": "openai_compat", "base_url": "http://127.0.0.1:8080/v1"}, None),
    ({"kind": "anthropic"}, "ANTHROPIC_API_KEY"),
    ({"kind": "anthropic", "base_url": "https://proxy.example/anthropic"}, None),
    ({"kind": "anthropic", "base_url": "https://proxy.example", "api_key_env": "X_KEY"},
     "X_KEY"),
    ({"kind": "ollama"}, None),
])
def test_default_env_key_only_for_the_official_host(
    config: dict[str, str], expected: str | None,
) -> None:
    assert ProviderConfig.model_validate(config).key_env_name() == expected
