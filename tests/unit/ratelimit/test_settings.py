"""`[limits]`: rates per group, defaults per mode, env and validation."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from pairpad.config import Settings
from pairpad.ratelimit.settings import LimitSettings, describe


def test_team_defaults_follow_the_issue_and_local_ones_are_generous() -> None:
    team = LimitSettings().rates(team=True)
    local = LimitSettings().rates(team=False)
    assert str(team["user"]) == "100 per 1 minute"
    for group, item in team.items():
        assert local[group].amount >= item.amount, group
    assert local["user"].amount >= 1000
    # Sign-in is stricter than the rest in team mode.
    assert team["auth"].amount < team["user"].amount
    assert team["auth_email"].amount <= team["auth"].amount


def test_a_configured_rate_wins_in_both_modes() -> None:
    settings = LimitSettings(user="5 per 10 seconds", chat="2/minute")
    for team in (True, False):
        rates = settings.rates(team=team)
        assert describe(rates["user"]) == "5 per 10 seconds"
        assert describe(rates["chat"]) == "2 per minute"


def test_env_sets_limits(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PAIRPAD_LIMITS__USER", "7/minute")
    monkeypatch.setenv("PAIRPAD_LIMITS__ENABLED", "false")
    settings = Settings(workspace=tmp_path, data_dir=tmp_path / "data")
    assert settings.limits.enabled is False
    assert settings.limits.rates(team=True)["user"].amount == 7


def test_a_malformed_rate_is_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="is not a rate"):
        LimitSettings(user="lots")
