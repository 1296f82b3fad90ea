"""The counters: one moving window per (group, key) in a `limits` storage.

A moving window (the `limits` strategy keeping each hit's time) counts exactly "N in any
minute", so a client cannot double its rate at a window's edge, and the counts of two
instances sharing Redis add up exactly. In Redis a window is one list of at most N
timestamps per key (`pairpad:limits:LIMITER/<group>/<key>/<N>/<multiples>/<unit>`),
changed by one Lua script per hit.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import limits
import redis.asyncio
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from pairpad.ratelimit.settings import Group, LimitSettings, describe
from pairpad.redis_unavailable import RedisUnavailable
from pairpad.telemetry.metrics import RATE_LIMIT_REJECTIONS

KEY_PREFIX = "pairpad:limits"  # the storage adds ":" before each key
REDIS_TIMEOUT_S = 2.0  # a request waits at most this long on an unreachable Redis


@dataclass(frozen=True)
class Decision:
    group: Group
    item: limits.RateLimitItem
    allowed: bool
    remaining: int
    reset_after: int  # seconds until the window has room again (at least 1 when refused)

    @property
    def detail(self) -> str:
        return (f"Too many requests: {self.group} limit {describe(self.item)} reached; "
                f"retry in {self.reset_after} s.")

    def headers(self) -> list[tuple[bytes, bytes]]:
        """IETF RateLimit-* fields (draft-ietf-httpapi-ratelimit-headers), Retry-After when
        refused."""
        fields = [
            (b"ratelimit-limit", b"%d" % self.item.amount),
            (b"ratelimit-remaining", b"%d" % self.remaining),
            (b"ratelimit-reset", b"%d" % self.reset_after),
            (b"ratelimit-policy", b"%d;w=%d" % (self.item.amount, self.item.get_expiry())),
        ]
        if not self.allowed:
            fields.append((b"retry-after", b"%d" % self.reset_after))
        return fields


class RateLimiter:
    """hit(): one request counted; RedisUnavailable when the shared counters cannot be
    reached (the request then gets a 503, never an unlimited pass)."""

    def __init__(self, rates: dict[Group, limits.RateLimitItem], storage: Storage, *,
                 enabled: bool = True, redis_url: str | None = None,
                 close: Callable[[], Awaitable[None]] | None = None) -> None:
        self.rates = rates
        self.enabled = enabled
        self._storage = storage
        self._strategy = MovingWindowRateLimiter(storage)
        self._redis_url = redis_url
        self._close = close

    @classmethod
    def from_settings(cls, settings: LimitSettings, *, team: bool,
                      redis_url: str | None = None) -> RateLimiter:
        """Memory (this process) unless team mode has a Redis to share the counts in."""
        rates = settings.rates(team=team)
        if redis_url is None or not settings.enabled:
            return cls(rates, MemoryStorage(), enabled=settings.enabled)
        # As team/redis.py's client: fail within REDIS_TIMEOUT_S while Redis is down, one
        # retry so that the first command after a Redis restart reconnects.
        pool: Any = redis.asyncio.ConnectionPool.from_url(
            redis_url, socket_connect_timeout=REDIS_TIMEOUT_S, socket_timeout=REDIS_TIMEOUT_S,
            retry=Retry(NoBackoff(), 1), health_check_interval=30)
        storage = RedisStorage(_limits_uri(redis_url), implementation="redispy",
                               key_prefix=KEY_PREFIX, wrap_exceptions=True,
                               connection_pool=pool)
        return cls(rates, storage, redis_url=redis_url, close=pool.disconnect)

    async def hit(self, group: Group, key: str) -> Decision:
        """Counts one request of `key` (a user id, an address) in `group`, unless the window
        is full; a refusal is counted in pairpad_rate_limit_rejections."""
        item = self.rates[group]
        try:
            allowed = await self._strategy.hit(item, group, key)
            stats = await self._strategy.get_window_stats(item, group, key)
        except (StorageError, RedisError, OSError) as error:
            if self._redis_url is None:
                raise
            cause = error.storage_error if isinstance(error, StorageError) else error
            raise RedisUnavailable(self._redis_url, cause) from error
        reset_after = max(0, math.ceil(stats.reset_time - time.time()))
        if not allowed:
            RATE_LIMIT_REJECTIONS.labels(group=group).inc()
            reset_after = max(1, reset_after)
        return Decision(group, item, allowed, stats.remaining, reset_after)

    async def close(self) -> None:
        if self._close is not None:
            await self._close()


def _limits_uri(redis_url: str) -> str:
    """`limits` names its async Redis storage by scheme: async+redis://, async+rediss://,
    async+redis+unix://."""
    scheme, _, rest = redis_url.partition("://")
    return f"async+{'redis+unix' if scheme == 'unix' else scheme}://{rest}"

