"""The Redis index lease on a real redis-server: one holder at a time, renew and release
only by the holder, and another instance takes it over once the holder's TTL expired."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from pairpad.team.leases import KEY_PREFIX, RedisLease, redis_index_leases
from tests.support.redis_server import RedisServer

KEY = KEY_PREFIX + "w1"


@pytest.fixture
async def redis(redis_server: RedisServer) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_server.url)
    yield client
    await client.aclose()


async def test_one_holder_at_a_time(redis: Redis) -> None:
    a, b = RedisLease(redis, KEY, "a", 30), RedisLease(redis, KEY, "b", 30)
    assert await a.try_acquire()
    assert not await b.try_acquire()
    assert await a.try_acquire()  # already its own: still held
    assert await redis.get(KEY) == b"a"
    ttl = await redis.pttl(KEY)
    assert 25_000 < ttl <= 30_000


async def test_only_the_holder_renews(redis: Redis) -> None:
    a, b = RedisLease(redis, KEY, "a", 30), RedisLease(redis, KEY, "b", 30)
    assert await a.try_acquire()
    await redis.pexpire(KEY, 5_000)
    assert not await b.renew()
    assert await redis.pttl(KEY) <= 5_000  # b's renewal did not restart the TTL
    assert await a.renew()
    assert await redis.pttl(KEY) > 25_000


async def test_only_the_holder_releases(redis: Redis) -> None:
    a, b = RedisLease(redis, KEY, "a", 30), RedisLease(redis, KEY, "b", 30)
    assert await a.try_acquire()
    await b.release()
    assert await redis.get(KEY) == b"a"
    await a.release()
    assert await redis.get(KEY) is None
    assert await b.try_acquire()  # at once, no TTL to wait for


async def test_expired_lease_is_taken_over_and_lost_to_the_old_holder(redis: Redis) -> None:
    a, b = RedisLease(redis, KEY, "a", 0.3), RedisLease(redis, KEY, "b", 30)
    assert await a.try_acquire()
    assert not await b.try_acquire()
    await asyncio.sleep(0.5)  # a never renewed: expired
    assert await b.try_acquire()
    assert not await a.renew()  # the old holder learns it lost the lease
    await a.release()  # and cannot delete the new holder's
    assert await redis.get(KEY) == b"b"


async def test_factory_keys_each_workspace_and_one_instance_id(redis: Redis) -> None:
    leases = redis_index_leases(redis)
    one, two = leases("w1", 30), leases("w2", 30)
    assert await one.try_acquire() and await two.try_acquire()
    holders = {await redis.get(KEY_PREFIX + "w1"), await redis.get(KEY_PREFIX + "w2")}
    assert len(holders) == 1  # the same instance id for every workspace of an instance
    other = redis_index_leases(redis)("w1", 30)
    assert not await other.try_acquire()  # another instance: another id
