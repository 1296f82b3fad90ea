"""Who runs the index jobs: the lease keeper (acquire, renew, lose, release) and a context
service that does not hold its workspace's lease (reads the shared index, builds nothing,
takes over when the holder lets go)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import structlog

from pairpad.codebase.index_settings import IndexSettings
from pairpad.codebase.lease import LeaseKeeper, LocalLease
from pairpad.codebase.service import ContextService
from pairpad.telemetry.metrics import INDEX_JOBS


class Table:
    """A lease table shared by the instances of a test (what Redis is in team mode)."""

    def __init__(self) -> None:
        self.holder: dict[str, str] = {}


class MemoryLease:
    def __init__(self, table: Table, me: str, key: str = "w") -> None:
        self.table, self.me, self.key = table, me, key
        self.fail: Exception | None = None  # the next calls raise it (Redis down)

    async def try_acquire(self) -> bool:
        if self.fail:
            raise self.fail
        return self.table.holder.setdefault(self.key, self.me) == self.me

    async def renew(self) -> bool:
        if self.fail:
            raise self.fail
        return self.table.holder.get(self.key) == self.me

    async def release(self) -> None:
        if self.table.holder.get(self.key) == self.me:
            del self.table.holder[self.key]


def recorder(log: list[str], name: str) -> Callable[[], Awaitable[None]]:
    async def record() -> None:
        log.append(name)
    return record


async def eventually(check: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def test_local_lease_is_always_held() -> None:
    lease = LocalLease()
    assert await lease.try_acquire() and await lease.renew()
    await lease.release()
    assert await lease.try_acquire()


async def test_keeper_waits_for_the_lease_then_starts_the_jobs() -> None:
    table, calls = Table(), list[str]()
    table.holder["w"] = "other"
    keeper = LeaseKeeper(MemoryLease(table, "me"), recorder(calls, "gained"),
                         recorder(calls, "lost"), ttl=0.3)
    await keeper.start()
    assert not keeper.held and calls == []
    del table.holder["w"]  # the other instance released it
    await eventually(lambda: keeper.held)
    assert calls == ["gained"]
    await keeper.stop()
    assert calls == ["gained", "lost"] and "w" not in table.holder  # released after the jobs


async def test_keeper_stops_the_jobs_when_another_instance_holds_the_lease() -> None:
    table, calls = Table(), list[str]()
    keeper = LeaseKeeper(MemoryLease(table, "me"), recorder(calls, "gained"),
                         recorder(calls, "lost"), ttl=0.3)
    await keeper.start()
    assert keeper.held and calls == ["gained"]
    table.holder["w"] = "other"  # ours expired and another instance took it
    await eventually(lambda: not keeper.held)
    assert calls == ["gained", "lost"]
    await keeper.stop()
    assert table.holder["w"] == "other"  # not released: not ours


async def test_keeper_gives_up_before_an_unrenewable_lease_can_expire() -> None:
    table, calls = Table(), list[str]()
    lease = MemoryLease(table, "me")
    ttl = 0.6
    keeper = LeaseKeeper(lease, recorder(calls, "gained"), recorder(calls, "lost"), ttl=ttl)
    await keeper.start()
    renewed = time.monotonic()
    lease.fail = ConnectionError("Redis down")
    await keeper.tick()  # one failed renewal well inside the TTL: still held
    assert keeper.held
    await eventually(lambda: not keeper.held)
    assert time.monotonic() - renewed < ttl  # stopped before the lease could have expired
    assert calls == ["gained", "lost"]
    lease.fail = None  # Redis is back: the keeper acquires again
    await eventually(lambda: keeper.held)
    assert calls == ["gained", "lost", "gained"]
    await keeper.stop()


async def test_a_non_holder_reads_the_shared_index_and_takes_over(repo: Path,
                                                                  tmp_path: Path) -> None:
    table = Table()
    settings = IndexSettings(batch_size=4, lease_ttl_seconds=1.0)
    data = tmp_path / "data"  # one data dir: one index file for both instances
    holder = ContextService(repo, data, settings, lease=MemoryLease(table, "a"))
    follower = ContextService(repo, data, settings, lease=MemoryLease(table, "b"))
    done_before = INDEX_JOBS.labels(outcome="done")._value.get()
    await holder.start()
    await follower.start()
    try:
        await eventually(lambda: holder.indexer.status.state == "ready")
        assert holder.lease.held and not follower.lease.held
        assert follower.indexer.status.parsed == 0 and not await follower.rebuild()
        status = await follower.status()
        assert status.indexed_by == "another instance" and status.state == "ready"
        assert status.indexed == holder.indexer.status.total > 0
        assert INDEX_JOBS.labels(outcome="done")._value.get() == done_before + 1

        assert "lease_note.py" not in await follower.repo_map(max_tokens=4096)  # cached
        # What the holder indexes later, the follower finds (its caches follow the file).
        (repo / "lease_note.py").write_text("def quokka_lease_marker():\n    return 1\n")
        holder.indexer.changed(["lease_note.py"])
        follower.indexer.changed(["lease_note.py"])  # ignored: not the holder
        await eventually(lambda: holder.indexer.status.total == status.total + 1)
        found = await follower.search("quokka_lease_marker")
        assert found and found[0].path == "lease_note.py"
        mapped = await follower.repo_map(idents=["quokka_lease_marker"], max_tokens=4096)
        assert "lease_note.py" in mapped
        assert follower.indexer.status.parsed == 0

        await holder.stop()  # releases: the follower takes over on its next tick
        await eventually(lambda: follower.lease.held)
        await eventually(lambda: follower.indexer.status.state == "ready")
        mine = await follower.status()
        assert mine.indexed_by == "this instance" and mine.total == status.total + 1
    finally:
        await follower.stop()
        await holder.stop()


async def test_jobs_run_outside_the_context_of_the_request_that_started_them() -> None:
    seen: list[dict[str, object]] = []

    async def gained() -> None:
        seen.append(structlog.contextvars.get_contextvars())

    structlog.contextvars.bind_contextvars(user_id="u1", request_id="r1")
    try:
        keeper = LeaseKeeper(LocalLease(), gained, recorder([], "lost"), ttl=30)
        await keeper.start()
        await keeper.stop()
    finally:
        structlog.contextvars.unbind_contextvars("user_id", "request_id")
    assert seen == [{}]  # the index jobs' log lines name no user or request
