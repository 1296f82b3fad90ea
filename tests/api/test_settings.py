"""Editor preferences: defaults, validation, persistence (nothing stored on a bad update)."""

from __future__ import annotations

import httpx
import pytest

from pairpad.app import create_app
from pairpad.config import Settings
from tests.conftest import TEST_HOST, TEST_TOKEN


async def test_defaults(client: httpx.AsyncClient) -> None:
    values = (await client.get("/api/settings")).json()["values"]
    assert values["editor.fontSize"] == 14
    assert values["workbench.theme"] == "system"
    assert values["editor.formatOnSave"] is False


async def test_update_merges(client: httpx.AsyncClient) -> None:
    await client.put("/api/settings", json={"values": {"editor.fontSize": 18}})
    response = await client.put("/api/settings", json={"values": {"workbench.theme": "dark"}})
    values = response.json()["values"]
    assert values["editor.fontSize"] == 18
    assert values["workbench.theme"] == "dark"


@pytest.mark.parametrize(
    "bad",
    [
        {"editor.fontSize": 3},
        {"editor.fontSize": "big"},
        {"editor.wordWrap": "yes"},
        {"workbench.theme": "neon"},
        {"no.such.key": 1},
        {"editor.tabSize": 2, "editor.fontSize": 99},
    ],
)
async def test_bad_values_are_422_and_store_nothing(
    client: httpx.AsyncClient, bad: dict[str, object]
) -> None:
    before = (await client.get("/api/settings")).json()
    response = await client.put("/api/settings", json={"values": bad})
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)
    assert (await client.get("/api/settings")).json() == before


async def test_malformed_body_is_422_with_readable_detail(client: httpx.AsyncClient) -> None:
    response = await client.put("/api/settings", json={"nope": 1})
    assert response.status_code == 422
    assert "values" in response.json()["detail"]


async def test_settings_persist_across_restart(settings: Settings) -> None:
    for expected in (None, 22):
        app = create_app(settings)
        async with (
            app.fastapi.router.lifespan_context(app.fastapi),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url=f"http://{TEST_HOST}",
                headers={"Authorization": f"Bearer {TEST_TOKEN}"},
            ) as http,
        ):
            values = (await http.get("/api/settings")).json()["values"]
            if expected is None:
                await http.put("/api/settings", json={"values": {"editor.fontSize": 22}})
            else:
                assert values["editor.fontSize"] == expected
