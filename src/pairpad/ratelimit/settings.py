"""`[limits]` settings: one rate per group, as the `limits` package writes them
("100/minute", "5 per 10 seconds"). Unset groups take the mode's default: team mode
follows issue 17 (100 requests a minute per user); local mode (`pairpad open`: one
developer on loopback) only guards against a runaway script, so its defaults sit far above
what the editor sends (a file read per tab switch, a search and a completion per typing
pause, a burst of reads when a project opens) and the test suites' request rates."""

from __future__ import annotations

from typing import Literal

import limits
from pydantic import BaseModel, Field, field_validator

Group = Literal["user", "anonymous", "auth", "auth_email", "chat", "completion", "agent"]
GROUPS: tuple[Group, ...] = ("user", "anonymous", "auth", "auth_email", "chat", "completion",
                             "agent")

TEAM_DEFAULTS: dict[Group, str] = {
    "user": "100/minute",  # per signed-in user, every route outside a budget group
    "anonymous": "60/minute",  # per client address, API routes without a session
    "auth": "20/minute",  # per client address: sign-in, refresh, MFA, sign-up, resets
    "auth_email": "5/minute",  # per email submitted to sign-in, sign-up or forgot-password
    "chat": "20/minute",  # chat sends and retries, inline edits (model answers)
    "completion": "60/minute",  # inline completions (about one per typing pause)
    "agent": "10/minute",  # agent runs started
}
LOCAL_DEFAULTS: dict[Group, str] = {
    "user": "1200/minute",
    "anonymous": "600/minute",
    "auth": "120/minute",  # local mode has no sign-in routes (its token is checked before)
    "auth_email": "60/minute",
    "chat": "120/minute",
    "completion": "600/minute",
    "agent": "60/minute",
}

_RATE = ("A rate as the `limits` package writes it (\"100/minute\", \"5 per 10 seconds\"); "
         "unset: the mode's default")


class LimitSettings(BaseModel):
    """Env: PAIRPAD_LIMITS__ENABLED=false, PAIRPAD_LIMITS__USER=200/minute, …"""

    enabled: bool = Field(default=True, description="false: no rate limit at all.")
    user: str | None = Field(default=None, description=_RATE)
    anonymous: str | None = Field(default=None, description=_RATE)
    auth: str | None = Field(default=None, description=_RATE)
    auth_email: str | None = Field(default=None, description=_RATE)
    chat: str | None = Field(default=None, description=_RATE)
    completion: str | None = Field(default=None, description=_RATE)
    agent: str | None = Field(default=None, description=_RATE)

    @field_validator(*GROUPS)
    @classmethod
    def _a_rate(cls, value: str | None) -> str | None:
        if value is not None:
            parse_rate(value)
        return value

    def rates(self, *, team: bool) -> dict[Group, limits.RateLimitItem]:
        """Every group's rate: the configured one, else the mode's default."""
        defaults = TEAM_DEFAULTS if team else LOCAL_DEFAULTS
        return {group: parse_rate(getattr(self, group) or defaults[group]) for group in GROUPS}


def parse_rate(text: str) -> limits.RateLimitItem:
    try:
        return limits.parse(text)
    except ValueError as error:
        raise ValueError(f"{text!r} is not a rate: write it as \"100/minute\" or "
                         "\"5 per 10 seconds\"") from error


def describe(item: limits.RateLimitItem) -> str:
    """'100 per minute', '5 per 10 seconds'."""
    unit = item.GRANULARITY.name
    if item.multiples == 1:
        return f"{item.amount} per {unit}"
    return f"{item.amount} per {item.multiples} {unit}s"
