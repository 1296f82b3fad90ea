"""Sign-in failures: per account (users.failed_logins / locked_until, shared by instances)
and per client address (in memory). After FREE_FAILURES failures an account waits 1 minute,
doubling with each further failure up to 15 minutes; a success resets it."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from pairpad.auth.throttle import FailureThrottle

FREE_FAILURES = 4  # the 5th failure locks for FIRST_LOCK_S
FIRST_LOCK_S = 60
MAX_LOCK_S = 15 * 60


def lock_seconds(failures: int) -> int:
    """How long an account waits after its `failures`-th consecutive failure (0: not)."""
    over = failures - FREE_FAILURES
    if over <= 0:
        return 0
    return int(min(MAX_LOCK_S, FIRST_LOCK_S * 2 ** min(over - 1, 30)))


def locked_until(failures: int, now: datetime) -> datetime | None:
    seconds = lock_seconds(failures)
    return now + timedelta(seconds=seconds) if seconds else None


def account_throttle(clock: Callable[[], float] = time.monotonic) -> FailureThrottle:
    """For emails without an account: the same schedule kept in memory, so a lock (429) does
    not reveal whether an account exists."""
    return FailureThrottle(free=FREE_FAILURES, first_wait=FIRST_LOCK_S, max_wait=MAX_LOCK_S,
                           forget_after=24 * 3600, clock=clock)


def address_throttle() -> FailureThrottle:
    """Per client address: many accounts guessed from one place."""
    return FailureThrottle(free=20, first_wait=1.0, max_wait=300.0, forget_after=3600.0)
