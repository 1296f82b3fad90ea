"""Socket.IO across instances: python-socketio's AsyncRedisManager on the channel
`pairpad-socketio`, so an emit on one `pairpad serve` reaches the clients of every other.

What it changes from the stock manager, for Redis going down and coming back:
- an emit is delivered to this instance's clients first (the stock manager does that too)
  and then published; a failed publish is logged once per outage, not per emit, and for
  a second afterwards emits skip Redis, so a chat stream does not wait on a dead Redis;
- the listener retries every LISTEN_RETRY_S at most (stock: backoff up to 60 s), so the
  other instances' events flow again within seconds of Redis answering;
- publishing fails fast (2 s timeouts, one retry without backoff); the listener's client
  has no read timeout (a quiet channel is not an error).
Events lost while Redis is down are not replayed (clients resync when they reconnect).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import socketio
import structlog
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from pairpad.team.redis import REDIS_TIMEOUT_S, connect_redis, redis_url_for_display

log = structlog.get_logger("pairpad.team.fanout")

SOCKETIO_CHANNEL = "pairpad-socketio"
LISTEN_RETRY_S = 2.0
PUBLISH_PAUSE_S = 1.0  # after a failed publish, emits stay local this long


class FanOutManager(socketio.AsyncRedisManager):  # type: ignore[misc]
    """The team's Socket.IO client manager when `--redis-url` is given."""

    redis: Redis | None  # publishes (fails fast)
    pubsub: PubSub | None  # the channel's subscription, on `_listener`

    def __init__(self, url: str) -> None:
        super().__init__(url, channel=SOCKETIO_CHANNEL)
        self._publish_paused_until = 0.0
        self._publish_down = False
        self._listen_down = False
        self._listener: Redis | None = None

    def _redis_connect(self) -> PubSub:
        # Both clients are made once: their pools drop a broken connection and dial again
        # on the next command. The listener gets a fresh subscription after each failure.
        if self.redis is None:
            self.redis = connect_redis(self.redis_url)
        if self._listener is None:
            self._listener = Redis.from_url(
                self.redis_url, socket_connect_timeout=REDIS_TIMEOUT_S, socket_keepalive=True,
                retry=Retry(NoBackoff(), 0))
        if self.pubsub is not None:
            _close_later(self.pubsub)
        self.pubsub = pubsub = self._listener.pubsub(ignore_subscribe_messages=True)
        self.connected = True
        return pubsub

    async def _publish(self, data: Any) -> Any:
        if time.monotonic() < self._publish_paused_until:
            return None
        try:
            if self.redis is None:
                self.redis = connect_redis(self.redis_url)
            result = await self.redis.publish(self.channel, self.json.dumps(data))
        except Exception as error:  # redis-py's ConnectionError, TimeoutError, OSError…
            self._publish_paused_until = time.monotonic() + PUBLISH_PAUSE_S
            if not self._publish_down:
                self._publish_down = True
                log.warning("socket.io fan-out: cannot publish to Redis; events reach this "
                            "instance's clients only until it answers",
                            redis=redis_url_for_display(self.redis_url),
                            error=f"{type(error).__name__}: {error}")
            return None
        if self._publish_down:
            self._publish_down = False
            log.info("socket.io fan-out: publishing to Redis again")
        return result

    async def _redis_listen_with_retries(self) -> AsyncIterator[Any]:
        subscribed = False
        pubsub: PubSub | None = None
        while True:
            try:
                if not subscribed or pubsub is None:
                    pubsub = self._redis_connect()
                    await pubsub.subscribe(self.channel)
                    subscribed = True
                    if self._listen_down:
                        self._listen_down = False
                        log.info("socket.io fan-out: listening to Redis again")
                async for message in pubsub.listen():
                    yield message
            except Exception as error:
                subscribed = False
                if not self._listen_down:
                    self._listen_down = True
                    log.warning("socket.io fan-out: lost the Redis channel; retrying every "
                                f"{LISTEN_RETRY_S:g} s",
                                redis=redis_url_for_display(self.redis_url),
                                error=f"{type(error).__name__}: {error}")
                await asyncio.sleep(LISTEN_RETRY_S)

    async def close(self) -> None:
        """Stop listening and close both clients (the team app's shutdown)."""
        thread = getattr(self, "thread", None)
        if isinstance(thread, asyncio.Task):
            thread.cancel()
            with contextlib.suppress(BaseException):
                await thread
        if self.pubsub is not None:
            with contextlib.suppress(Exception):
                await self.pubsub.aclose()  # type: ignore[no-untyped-call]
        for client in (self.redis, self._listener):
            if client is not None:
                with contextlib.suppress(Exception):
                    await client.aclose()



def _close_later(pubsub: PubSub) -> None:
    task = asyncio.get_running_loop().create_task(pubsub.aclose())  # type: ignore[no-untyped-call]
    task.add_done_callback(lambda done: done.exception())  # a dead connection's error: dropped
