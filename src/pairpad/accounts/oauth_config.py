"""Sign-in providers for `pairpad serve` from the environment (secrets stay out of argv and
shell history): PAIRPAD_OAUTH holds a JSON list of providers, or PAIRPAD_OAUTH_FILE names a
JSON file holding it; PAIRPAD_OAUTH_<NAME>_CLIENT_SECRET (NAME upper-cased, `-` as `_`)
supplies or replaces a provider's client secret.

    PAIRPAD_OAUTH='[{"name": "google", "kind": "google", "client_id": "…"},
                    {"name": "corp", "issuer": "https://sso.example.com", "client_id": "…"}]'
    PAIRPAD_OAUTH_GOOGLE_CLIENT_SECRET=…
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from pairpad.accounts.settings import OAuthProviderSettings

PROVIDERS_VAR = "PAIRPAD_OAUTH"
FILE_VAR = "PAIRPAD_OAUTH_FILE"
_PROVIDERS = TypeAdapter(list[OAuthProviderSettings])


def secret_var(name: str) -> str:
    return f"PAIRPAD_OAUTH_{name.upper().replace('-', '_')}_CLIENT_SECRET"


class OAuthConfigError(ValueError):
    """The providers' configuration cannot be used (the message says which variable)."""


def providers_from_env(environ: Mapping[str, str]) -> list[OAuthProviderSettings]:
    text, source = environ.get(PROVIDERS_VAR), PROVIDERS_VAR
    if not text and environ.get(FILE_VAR):
        source = environ[FILE_VAR]
        try:
            text = Path(source).expanduser().read_text(encoding="utf-8")
        except OSError as error:
            raise OAuthConfigError(f"{FILE_VAR}: cannot read {source}: {error}") from error
    if not text:
        return []
    try:
        providers = _PROVIDERS.validate_python(json.loads(text))
    except (ValueError, ValidationError) as error:
        raise OAuthConfigError(
            f"{source}: not a JSON list of sign-in providers: {error}"
        ) from error
    names = [provider.name for provider in providers]
    if len(set(names)) != len(names):
        raise OAuthConfigError(f"{source}: two providers have the same name")
    for provider in providers:
        if provider.kind == "oidc" and not provider.issuer:
            raise OAuthConfigError(f"{source}: provider {provider.name!r} (oidc) needs an issuer")
        secret = environ.get(secret_var(provider.name))
        if secret:
            provider.client_secret = secret
    return providers
