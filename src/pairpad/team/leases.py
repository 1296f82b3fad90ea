"""Index leases in Redis: one instance of a team deployment runs a workspace's index jobs.

Key `pairpad:lease:index:<workspace id>`, value the holder's instance id, with a TTL: taken
with SET NX PX, renewed and released by scripts that first check the value, so an instance
whose lease expired (and was taken by another) can neither extend nor delete the new one."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Callable

from redis.asyncio import Redis

from pairpad.codebase.lease import JobLease

KEY_PREFIX = "pairpad:lease:index:"
# Compare-and-pexpire / compare-and-delete: atomic in Redis (a script runs alone).
RENEW = """if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"""
RELEASE = """if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1]) else return 0 end"""


def instance_id() -> str:
    """Unique per process; readable in Redis (`GET pairpad:lease:index:<id>`) to say which
    host and process holds a workspace's jobs."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(6)}"


class RedisLease:
    def __init__(self, redis: Redis, key: str, holder: str, ttl: float) -> None:
        self.key = key
        self.holder = holder
        self._redis = redis
        self._ttl_ms = max(1, round(ttl * 1000))
        self._renew = redis.register_script(RENEW)
        self._release = redis.register_script(RELEASE)

    async def try_acquire(self) -> bool:
        if await self._redis.set(self.key, self.holder, nx=True, px=self._ttl_ms):
            return True
        return await self.renew()  # already ours (e.g. a renewal answered too late)

    async def renew(self) -> bool:
        return bool(await self._renew(keys=[self.key], args=[self.holder, self._ttl_ms]))

    async def release(self) -> None:
        await self._release(keys=[self.key], args=[self.holder])


IndexLeases = Callable[[str, float], JobLease]


def redis_index_leases(redis: Redis, holder: str | None = None) -> IndexLeases:
    """The lease factory of one instance: (workspace id, TTL in seconds) → its lease."""
    me = holder or instance_id()

    def lease(workspace_id: str, ttl: float) -> JobLease:
        return RedisLease(redis, KEY_PREFIX + workspace_id, me, ttl)

    return lease
