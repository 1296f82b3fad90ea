"""Slows down token guessing: per client address, a few free failures, then a growing wait.

While a client waits, a token it presents is not even compared (it gets 429), so guesses
cannot be tested faster than the schedule. A success does not reset the count: on loopback
every local process is the same client, and the owner's own requests must not hand an
attacker a fresh allowance; failures are forgotten after a quiet period instead. Nothing
sleeps: the check is a dict lookup, and other clients are not affected. A wrong *cookie*
is not counted: the cookie holds a 256-bit HMAC of the token, which cannot be guessed, and
a browser holding a stale one (the server restarted with a new token) must not lock its
user out of the new login URL.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Failures:
    count: int
    last: float
    blocked_until: float


class FailureThrottle:
    def __init__(
        self,
        *,
        free: int = 10,
        first_wait: float = 1.0,
        max_wait: float = 60.0,
        forget_after: float = 900.0,
        max_clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free = free
        self.first_wait = first_wait
        self.max_wait = max_wait
        self.forget_after = forget_after
        self.max_clients = max_clients
        self._clock = clock
        self._clients: OrderedDict[str, _Failures] = OrderedDict()

    def retry_after(self, client: str) -> float:
        """Seconds this client must wait before a token of theirs is checked again (0: now)."""
        entry = self._clients.get(client)
        if entry is None:
            return 0.0
        return max(0.0, entry.blocked_until - self._clock())

    def failed(self, client: str) -> None:
        now = self._clock()
        entry = self._clients.pop(client, None)
        if entry is None or now - entry.last > self.forget_after:
            entry = _Failures(0, now, 0.0)
        entry.count += 1
        entry.last = now
        over = entry.count - self.free
        if over > 0:
            entry.blocked_until = now + min(self.max_wait, self.first_wait * 2 ** min(over - 1, 30))
        self._clients[client] = entry  # most recent last
        while len(self._clients) > self.max_clients:
            self._clients.popitem(last=False)
