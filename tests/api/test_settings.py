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
    assert values["completion.enabled"] is True
    assert values["completion.disabledLanguages"] == []


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
        {"completion.enabled": "false"},
        {"completion.enabled": 0},
        {"completion.disabledLanguages": "python"},
        {"completion.disabledLanguages": ["python", 3]},
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


async def test_completion_preferences_round_trip(client: httpx.AsyncClient) -> None:
    languages = ["markdown", "plaintext", "c++", "objective-c", "csharp", "f#", "a" * 64]
    response = await client.put("/api/settings", json={"values": {
        "completion.enabled": False, "completion.disabledLanguages": languages,
    }})
    assert response.status_code == 200
    for values in (response.json()["values"], (await client.get("/api/settings")).json()["values"]):
        assert values["completion.enabled"] is False
        assert values["completion.disabledLanguages"] == languages
    # Back to the defaults: on, and an empty list (not "unset").
    response = await client.put("/api/settings", json={"values": {
        "completion.enabled": True, "completion.disabledLanguages": [],
    }})
    values = (await client.get("/api/settings")).json()["values"]
    assert values["completion.enabled"] is True and values["completion.disabledLanguages"] == []


async def test_disabled_languages_drop_duplicates_in_order(client: httpx.AsyncClient) -> None:
    response = await client.put("/api/settings", json={"values": {
        "completion.disabledLanguages": ["python", "markdown", "python", "markdown", "go"],
    }})
    assert response.status_code == 200
    stored = (await client.get("/api/settings")).json()["values"]["completion.disabledLanguages"]
    assert stored == ["python", "markdown", "go"]


async def test_disabled_languages_up_to_100(client: httpx.AsyncClient) -> None:
    hundred = [f"lang{i}" for i in range(100)]
    ok = await client.put(
        "/api/settings", json={"values": {"completion.disabledLanguages": hundred}},
    )
    assert ok.status_code == 200 and ok.json()["values"]["completion.disabledLanguages"] == hundred
    too_many = await client.put(
        "/api/settings", json={"values": {"completion.disabledLanguages": [*hundred, "one-more"]}},
    )
    assert too_many.status_code == 422
    assert "completion.disabledLanguages" in too_many.json()["detail"]
    stored = (await client.get("/api/settings")).json()["values"]["completion.disabledLanguages"]
    assert stored == hundred


@pytest.mark.parametrize(
    ("key", "bad"),
    [
        ("completion.enabled", "yes"),
        ("completion.enabled", 1),
        ("completion.enabled", None),
        ("completion.disabledLanguages", None),
        ("completion.disabledLanguages", "python"),
        ("completion.disabledLanguages", {"python": True}),
        ("completion.disabledLanguages", [""]),
        ("completion.disabledLanguages", ["a" * 65]),
        ("completion.disabledLanguages", ["Python"]),
        ("completion.disabledLanguages", ["python script"]),
        ("completion.disabledLanguages", ["-python"]),
        ("completion.disabledLanguages", ["python\n"]),
        ("completion.disabledLanguages", ["../etc"]),
        ("completion.disabledLanguages", [1]),
        ("completion.disabledLanguages", [["python"]]),
    ],
)
async def test_bad_completion_preferences_are_422_naming_the_key(
    client: httpx.AsyncClient, key: str, bad: object
) -> None:
    await client.put("/api/settings", json={"values": {"completion.disabledLanguages": ["go"]}})
    before = (await client.get("/api/settings")).json()
    response = await client.put(
        "/api/settings", json={"values": {"editor.fontSize": 20, key: bad}},
    )
    assert response.status_code == 422
    assert key in response.json()["detail"]
    assert (await client.get("/api/settings")).json() == before
