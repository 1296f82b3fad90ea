"""`pairpad serve`'s sign-in providers from the environment (PAIRPAD_OAUTH, its file form,
per-provider client secrets)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pairpad.accounts.oauth_config import OAuthConfigError, providers_from_env


def test_providers_and_secrets_from_the_environment(tmp_path: Path) -> None:
    listed = [{"name": "google", "kind": "google", "client_id": "g-id"},
              {"name": "corp-sso", "issuer": "https://sso.example.com", "client_id": "c-id",
               "client_secret": "in-json", "label": "Corp"}]
    providers = providers_from_env({
        "PAIRPAD_OAUTH": json.dumps(listed),
        "PAIRPAD_OAUTH_GOOGLE_CLIENT_SECRET": "g-secret",
        "PAIRPAD_OAUTH_CORP_SSO_CLIENT_SECRET": "c-secret",
    })
    assert [(p.name, p.kind, p.client_secret) for p in providers] == [
        ("google", "google", "g-secret"), ("corp-sso", "oidc", "c-secret")]
    assert providers[1].issuer == "https://sso.example.com"

    file = tmp_path / "oauth.json"
    file.write_text(json.dumps(listed[:1]))
    assert [p.name for p in providers_from_env({"PAIRPAD_OAUTH_FILE": str(file)})] == ["google"]
    assert providers_from_env({}) == []


@pytest.mark.parametrize("value", [
    "not json",
    json.dumps([{"name": "Bad Name", "client_id": "x", "issuer": "https://a"}]),
    json.dumps([{"name": "corp", "client_id": "x"}]),  # oidc without an issuer
    json.dumps([{"name": "a", "kind": "github", "client_id": "x"}] * 2),
])
def test_unusable_configuration_is_refused(value: str) -> None:
    with pytest.raises(OAuthConfigError, match="PAIRPAD_OAUTH"):
        providers_from_env({"PAIRPAD_OAUTH": value})
