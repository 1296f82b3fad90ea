"""One typed Settings object, read from env (PAIRPAD_*), TOML files and CLI overrides."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from pairpad.ai.agent.settings import AgentSettings
from pairpad.ai.provider_config import AISettings
from pairpad.codebase.index_settings import IndexSettings
from pairpad.config_workspace import WorkspaceTomlSource
from pairpad.ratelimit.settings import LimitSettings
from pairpad.runtime.lsp.settings import LspSettings
from pairpad.runtime.settings import RuntimeSettings, TerminalSettings

MiB = 1024 * 1024


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
    workspace_name: str | None = Field(
        default=None, description="Name the UI shows instead of the folder's (team mode).")
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
    header_timeout: float = Field(
        default=10.0, gt=0, description="Seconds a connection may take to send a request's headers."
    )
    secret_patterns: list[str] = Field(
        default_factory=list,
        description="Extra secret files, never sent to a model (besides the built-in .env*, "
        "keys, .npmrc, .aws/ ...): a name glob (`*.vault`, `private`) or a path glob with "
        "'/' (`config/prod/*.yaml`, `deploy/keys/`). A workspace file may only add to them.",
    )
    search_timeout: float = 10.0
    search_max_results: int = 2000
    watch_debounce_ms: int = 150
    log_level: str = "info"
    log_json: bool | None = Field(default=None, description="JSON logs; default: when not a TTY.")
    log_format: Literal["json", "console"] | None = Field(
        default=None, description="`json` (one object a line) or `console`; overrides log_json. "
        "Default: json for `pairpad serve`, log_json's rule for `pairpad open`.")
    metrics_token: str | None = Field(
        default=None, repr=False, description="Bearer token that lets a scraper read /metrics "
        "from anywhere; unset: only loopback clients may.")
    open_browser: bool = True
    ai: AISettings = Field(default_factory=AISettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    runtime: RuntimeSettings = Field(default_factory=RuntimeSettings)  # the command sandbox
    terminal: TerminalSettings = Field(default_factory=TerminalSettings)  # integrated terminal
    agent: AgentSettings = Field(default_factory=AgentSettings)  # agent runs, MCP servers
    lsp: LspSettings = Field(default_factory=LspSettings)  # language servers (user config only)
    limits: LimitSettings = Field(default_factory=LimitSettings)  # request rate limits

    @field_validator("workspace", "data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def max_request_body(self) -> int:
        """Bytes a request body may have: a file of max_file_size sent as a JSON string
        (tabs and quotes escape to two bytes), plus room for the rest of the request."""
        return 2 * self.max_file_size + MiB

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
        user = TomlConfigSettingsSource(settings_cls, user_config_file())
        workspace = _workspace_hint(init_settings)
        if workspace is not None:
            # Untrusted (a cloned repository): it may only tighten what the user's file allows.
            path = workspace / ".pairpad/config.toml"
            sources.append(WorkspaceTomlSource(settings_cls, path, trusted_below=user))
        sources.append(user)
        return tuple(sources)


def _workspace_hint(init_settings: PydanticBaseSettingsSource) -> Path | None:
    values: dict[str, Any] = init_settings()
    raw = values.get("workspace")
    return Path(raw).expanduser() if raw is not None else None
