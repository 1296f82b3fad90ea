"""What every provider adapter shares: the endpoint it is a client of, its model profiles,
and its error mapping (pydantic-ai's `Provider`). The adapters add only their wire format."""

from __future__ import annotations

from dataclasses import dataclass, field

from pairpad.ai.profiles import BUILTIN_PROFILES, ModelProfile, ModelProfiles
from pairpad.ai.providers.base import ModelInfo, ProviderError
from pairpad.ai.providers.errors import Failure, provider_error


@dataclass(frozen=True)
class ProviderEndpoint:
    """An authenticated endpoint: where, with which key, how long to wait, and the names of
    the settings that fix each of these (error messages name them)."""

    name: str
    base_url: str
    api_key: str | None = field(default=None, repr=False)
    timeout: float = 120.0  # seconds for a whole request
    connect_timeout: float = 5.0
    context_window: int | None = None  # the user's setting; overrides the server and profile
    models: tuple[str, ...] = ()  # offered when the endpoint cannot list its models
    key_setting: str = ""  # default: ai.providers.NAME.api_key
    window_setting: str = ""  # default: ai.providers.NAME.context_window

    def __post_init__(self) -> None:
        if not self.key_setting:
            object.__setattr__(self, "key_setting", f"{self.setting}.api_key")
        if not self.window_setting:
            object.__setattr__(self, "window_setting", f"{self.setting}.context_window")

    @property
    def setting(self) -> str:
        return f"ai.providers.{self.name}"


class EndpointProvider:
    """Base of the adapters that talk to an endpoint over HTTP (all but `local`)."""

    kind: str = ""

    def __init__(self, endpoint: ProviderEndpoint, *, profiles: ModelProfiles | None = None
                 ) -> None:
        self.endpoint = endpoint
        self.name = endpoint.name
        self.base_url = endpoint.base_url
        self.profiles = profiles or BUILTIN_PROFILES

    def profile(self, model: str) -> ModelProfile:
        return self.profiles.get(self.kind, model, self.name)

    def model_info(self, model: str) -> ModelInfo:
        profile = self.profile(model)
        return ModelInfo(model, self.endpoint.context_window or profile.context_window,
                         profile.fim is not None)

    def _error(self, error: BaseException | Failure, model: str | None) -> ProviderError:
        return provider_error(error, self.endpoint, self.kind, model)
