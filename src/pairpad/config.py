"""One typed Settings object, read from env (PAIRPAD_*), TOML files and CLI overrides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import platformdirs
import structlog
from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from pairpad.ai.config import AISettings
from pairpad.ai.context.settings import IndexSettings

MiB = 1024 * 1024
log = structlog.get_logger("pairpad.config")


def default_data_dir() -> Path:
    return platformdirs.user_data_path("pairpad", appauthor=False)


def user_config_file() -> Path:
    return platformdirs.user_config_path("pairpad", appauthor=False) / "config.toml"


class Settings(BaseSettings):
    """Everything the server needs to know, validated once at start-up."""

    model_config = SettingsConfigDict(
        env_prefix="PAIRPAD_",
        env_nested_delimiter="__",
        extra="ignore",
    )

    workspace: Path = Field(default_factory=Path.cwd, description="Folder served to the editor.")
    host: str = "127.0.0.1"
    # A stable default keeps the browser origin (and with it the unsaved buffers kept in
    # IndexedDB) the same across restarts; a busy port still falls back to a free one.
    port: int = 8712
    token: str | None = Field(default=None, description="Access token; generated when unset.")
    data_dir: Path = Field(default_factory=default_data_dir)
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Extra Host header values accepted besides localhost and the bind address.",
    )
    max_file_size: int = Field(default=5 * MiB, description="Larger files are refused with 413.")
    search_timeout: float = 10.0
    search_max_results: int = 2000
    watch_debounce_ms: int = 150
    log_level: str = "info"
    log_json: bool | None = Field(default=None, description="JSON logs; default: when not a TTY.")
    open_browser: bool = True
    ai: AISettings = Field(default_factory=AISettings)
    index: IndexSettings = Field(default_factory=IndexSettings)

    @field_validator("workspace", "data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def database_path(self) -> Path:
        return self.data_dir / "pairpad.sqlite3"

    @property
    def runtime_dir(self) -> Path:
        return self.data_dir / "runtime"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Precedence: explicit arguments > env > workspace TOML > user TOML.
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        workspace = _workspace_hint(init_settings)
        if workspace is not None:
            sources.append(WorkspaceTomlSource(settings_cls, workspace / ".pairpad/config.toml"))
        sources.append(TomlConfigSettingsSource(settings_cls, user_config_file()))
        return tuple(sources)


# What a workspace's own `.pairpad/config.toml` may set. A cloned repository is not trusted:
# the token, bind address, allowed hosts, data dir and model providers (whose `base_url` would
# receive the user's API keys) are only taken from the user's config, env and arguments.
WORKSPACE_SETTABLE = frozenset(
    {"max_file_size", "search_timeout", "search_max_results", "watch_debounce_ms", "index"}
)


class WorkspaceTomlSource(TomlConfigSettingsSource):
    def __call__(self) -> dict[str, Any]:
        values = super().__call__()
        ignored = sorted(set(values) - WORKSPACE_SETTABLE)
        if ignored:
            log.warning(
                "workspace config keys ignored",
                keys=ignored,
                hint="set them in your user config.toml or PAIRPAD_* env vars",
            )
        return {key: value for key, value in values.items() if key in WORKSPACE_SETTABLE}


def _workspace_hint(init_settings: PydanticBaseSettingsSource) -> Path | None:
    values: dict[str, Any] = init_settings()
    raw = values.get("workspace")
    return Path(raw).expanduser() if raw is not None else None
