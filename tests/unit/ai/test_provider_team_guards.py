"""Team-mode guards of the AI settings (build_ai's `secret_box` and `allow_env_keys`): a team's
workspaces share one key box, and no provider key ever comes from the server's environment."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from pairpad.ai.provider_config import AISettings, ProviderConfig
from pairpad.ai.provider_store import AISettingsService, ProviderUpdate
from pairpad.ai.providers.local_server import LocalModelServer
from pairpad.ai.providers.registry import ProviderRegistry
from pairpad.ai.secrets import KEY_FILE, SecretBox
from pairpad.ai.wiring import AIServices, build_ai
from pairpad.errors import Unprocessable
from pairpad.events.bus import EventBus
from pairpad.storage.db import Database
from pairpad.storage.owner import Owner
from pairpad.workspace.files import FileService
from pairpad.workspace.visibility import VisibilityPolicy

TEAM = Owner("team:a", "w1")
REFUSED = ("api_key_env is not allowed here: paste the key (team mode never sends the "
           "server's environment variables to a provider)")
SERVER_ENV = {"OPENAI_API_KEY": "sk-server-openai", "ANTHROPIC_API_KEY": "sk-server-anthropic",
              "MY_KEY": "sk-server-mine"}


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database.for_sqlite_file(tmp_path / "data" / "pairpad.sqlite3")
    await database.migrate()
    yield database
    await database.dispose()


def _build(tmp_path: Path, db: Database, secret_box: SecretBox | None = None,
           allow_env_keys: bool = True) -> AIServices:
    workspace = tmp_path / "ws"
    workspace.mkdir(exist_ok=True)
    visibility = VisibilityPolicy(workspace)
    events = EventBus()
    files = FileService(workspace, 1_000_000, visibility, events)
    return build_ai(AISettings(), tmp_path / "data", db, files, events.publish,
                    secrets=visibility, owner=TEAM, secret_box=secret_box,
                    allow_env_keys=allow_env_keys)


def _service(db: Database, tmp_path: Path, settings: AISettings | None = None,
             allow_env_keys: bool = True) -> AISettingsService:
    registry = ProviderRegistry(LocalModelServer(AISettings().local, tmp_path / "logs"))
    return AISettingsService(settings or AISettings(), db, SecretBox(tmp_path / "box"),
                             registry, TEAM, SERVER_ENV, allow_env_keys=allow_env_keys)


async def test_build_ai_encrypts_keys_with_the_box_it_is_given(
    db: Database, tmp_path: Path
) -> None:
    team_box = SecretBox(tmp_path / "team-secrets")
    ai = _build(tmp_path, db, secret_box=team_box)
    await ai.config.upsert_provider("openai", ProviderUpdate(
        kind="openai_compat", base_url="https://llm.example/v1", api_key="sk-team"))
    assert ai.registry.specs["openai"].api_key == "sk-team"
    assert team_box.key_path.exists()
    assert not (tmp_path / "data" / KEY_FILE).exists()  # the data dir's box was never used
    # Another workspace of the team, built with the same box, reads the key.
    other = _build(tmp_path, db, secret_box=SecretBox(tmp_path / "team-secrets"))
    await other.config.load()
    assert other.registry.specs["openai"].api_key == "sk-team"


async def test_build_ai_defaults_to_the_data_dirs_box(db: Database, tmp_path: Path) -> None:
    ai = _build(tmp_path, db)
    await ai.config.upsert_provider("openai", ProviderUpdate(
        kind="openai_compat", base_url="https://llm.example/v1", api_key="sk-local"))
    assert (tmp_path / "data" / KEY_FILE).exists()


async def test_build_ai_without_env_keys_refuses_api_key_env(db: Database, tmp_path: Path) -> None:
    ai = _build(tmp_path, db, allow_env_keys=False)
    update = ProviderUpdate(kind="openai_compat", base_url="https://llm.example/v1",
                            api_key_env="MY_KEY")
    with pytest.raises(Unprocessable) as refused:
        await ai.config.upsert_provider("mine", update)
    assert (refused.value.status_code, refused.value.detail) == (422, REFUSED)
    with pytest.raises(Unprocessable):  # "Test connection" alike
        await ai.config.candidate_spec("mine", update)
    await ai.config.load()
    assert "mine" not in ai.registry.specs


async def test_stored_rows_naming_an_env_var_are_ignored_without_env_keys(
    db: Database, tmp_path: Path
) -> None:
    local = _service(db, tmp_path)
    await local.upsert_provider("mine", ProviderUpdate(
        kind="openai_compat", base_url="https://llm.example/v1", api_key_env="MY_KEY"))
    assert local.registry.specs["mine"].api_key == "sk-server-mine"

    team = _service(db, tmp_path, allow_env_keys=False)
    await team.load()
    assert "mine" not in team.registry.specs
    assert team.problems == [f"Stored provider 'mine' is ignored: {REFUSED}"]


async def test_no_key_comes_from_the_environment_without_env_keys(
    db: Database, tmp_path: Path
) -> None:
    settings = AISettings(providers={"toml": ProviderConfig(kind="openai_compat",
                                                            api_key_env="MY_KEY")})
    local = _service(db, tmp_path, settings)
    await local.upsert_provider("official", ProviderUpdate(kind="openai_compat"))
    assert {"openai", "anthropic"} <= set(local.registry.specs)  # env-only providers
    assert local.registry.specs["toml"].api_key == "sk-server-mine"
    assert local.registry.specs["official"].api_key == "sk-server-openai"

    team = _service(db, tmp_path, settings, allow_env_keys=False)
    await team.load()
    specs = team.registry.specs
    assert "openai" not in specs and "anthropic" not in specs
    assert specs["toml"].api_key is None
    # A provider on the official endpoint does not pick up the conventional env var either.
    assert specs["official"].api_key is None
    assert "env var" not in specs["official"].key_setting
    await team.upsert_provider("official", ProviderUpdate(kind="openai_compat",
                                                          api_key="sk-pasted"))
    assert team.registry.specs["official"].api_key == "sk-pasted"
