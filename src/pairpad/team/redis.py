"""Team mode's Redis: the one client of a `pairpad serve` instance (fails fast when Redis is
down) and the error it raises then. `RedisUnavailable` itself is defined in
`pairpad.redis_unavailable` (the bottom layer: the rate limits, health and leases import it
from there); it is re-exported here for the team package."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from pairpad.redis_unavailable import (
    RETRY_AFTER_S,
    RedisUnavailable,
    redis_unavailable_detail,
    redis_url_for_display,
)

__all__ = ["RETRY_AFTER_S", "RedisUnavailable", "connect_redis", "redis_unavailable_detail",
           "redis_url_for_display"]

# A request waits at most this long for a dead Redis before its 503.
REDIS_TIMEOUT_S = 2.0


def connect_redis(url: str) -> Redis:
    """A pooled client (connects lazily, on the first command). One retry without backoff:
    after a Redis restart the pool's old connection fails once and the retry reconnects;
    while Redis is down a command fails within REDIS_TIMEOUT_S instead of backing off."""
    return Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT_S,
                          socket_timeout=REDIS_TIMEOUT_S, retry=Retry(NoBackoff(), 1),
                          health_check_interval=30)
