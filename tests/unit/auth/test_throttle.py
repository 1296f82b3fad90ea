"""Finding 10 of issue 9: token guessing is slowed down per client, without sleeping."""

from __future__ import annotations

from pairpad.auth.throttle import FailureThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_finding_10_failures_past_the_allowance_make_the_client_wait_longer_each_time() -> None:
    clock = Clock()
    throttle = FailureThrottle(free=3, first_wait=1.0, max_wait=8.0, clock=clock)
    for _ in range(3):
        throttle.failed("10.0.0.1")
        assert throttle.retry_after("10.0.0.1") == 0
    waits = []
    for _ in range(5):
        throttle.failed("10.0.0.1")
        waits.append(throttle.retry_after("10.0.0.1"))
    assert waits == [1.0, 2.0, 4.0, 8.0, 8.0]  # doubling, capped
    clock.now += 8.0
    assert throttle.retry_after("10.0.0.1") == 0


def test_other_clients_are_not_affected() -> None:
    throttle = FailureThrottle(free=0, clock=Clock())
    throttle.failed("10.0.0.1")
    assert throttle.retry_after("10.0.0.1") > 0
    assert throttle.retry_after("10.0.0.2") == 0


def test_failures_are_forgotten_after_a_quiet_period() -> None:
    clock = Clock()
    throttle = FailureThrottle(free=1, first_wait=1.0, forget_after=60.0, clock=clock)
    throttle.failed("a")
    throttle.failed("a")
    assert throttle.retry_after("a") == 1.0
    clock.now += 61
    throttle.failed("a")  # counts as the first failure again: within the allowance
    assert throttle.retry_after("a") == 0


def test_the_client_table_is_bounded() -> None:
    throttle = FailureThrottle(free=0, max_clients=2, clock=Clock())
    for client in ("a", "b", "c"):
        throttle.failed(client)
    assert throttle.retry_after("a") == 0  # the oldest was dropped
    assert throttle.retry_after("c") > 0


def test_a_huge_failure_count_does_not_overflow() -> None:
    throttle = FailureThrottle(free=0, first_wait=1.0, max_wait=60.0, clock=Clock())
    for _ in range(2000):
        throttle.failed("a")
    assert throttle.retry_after("a") == 60.0
