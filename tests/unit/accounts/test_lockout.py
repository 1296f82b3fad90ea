"""The per-account backoff schedule: 5 failures → 1 minute, doubling to 15 minutes."""

from __future__ import annotations

from pairpad.accounts.lockout import account_throttle, lock_seconds


def test_schedule() -> None:
    assert [lock_seconds(n) for n in range(1, 11)] == [0, 0, 0, 0, 60, 120, 240, 480, 900, 900]
    assert lock_seconds(10_000) == 900


def test_unknown_email_throttle_follows_the_same_schedule() -> None:
    now = [0.0]
    throttle = account_throttle(clock=lambda: now[0])
    for failures in range(1, 8):
        throttle.failed("x@example.com")
        assert round(throttle.retry_after("x@example.com")) == lock_seconds(failures)
