"""Inline completion on the embedded model, for real: a cancelled stream stops llama.cpp.

llama.cpp's server generates for one request at a time, so a long generation that went on
after its client left would hold the next request until it finished. Here a 1,500-token
completion is cancelled after its first delta and a short one follows: it must be answered in
about its own time, not after the rest of the long one. The margins are relative to this
machine's own speed (measured first), so they hold on a slow 2-core machine too.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from pairpad.ai.provider_config import LocalModelSettings
from pairpad.ai.providers.base import CompletionEvent, StreamEnd, TextDelta
from pairpad.ai.providers.local import LocalModelServer, LocalProvider
from tests.support.model import require_embedded_model

pytestmark = pytest.mark.model
MODEL = "smollm2-135m-instruct"
# Counting: the model goes on and on (no end-of-text), so a long generation really is long.
COUNTING = "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,"
LONG = 1500


@pytest.fixture(scope="module")
def llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalModelServer]:
    require_embedded_model()
    server = LocalModelServer(LocalModelSettings(), tmp_path_factory.mktemp("llama-logs"))
    asyncio.run(server.ensure_running())
    yield server
    asyncio.run(server.stop())


async def test_cancelled_completion_stops_llama_cpp(llama: LocalModelServer) -> None:
    local = LocalProvider(llama)
    # This machine's speed, and proof that the prompt does not stop early.
    started = time.perf_counter()
    control = await local.complete(model=MODEL, prefix=COUNTING, suffix=None, max_tokens=150)
    per_token = (time.perf_counter() - started) / 150
    assert control.finish_reason == "length", control
    full = LONG * per_token  # what the long generation would take (longer: its context grows)

    cancel = asyncio.Event()
    events: list[CompletionEvent] = []
    started = time.perf_counter()
    cancelled_at = 0.0
    async for event in local.stream_complete(model=MODEL, prefix=COUNTING, suffix=None,
                                             max_tokens=LONG, cancel=cancel):
        events.append(event)
        if isinstance(event, TextDelta) and not cancel.is_set():
            cancel.set()
            cancelled_at = time.perf_counter()
    ended = time.perf_counter()
    end = events[-1]
    assert isinstance(end, StreamEnd) and end.finish_reason == "cancelled", events
    assert sum(isinstance(e, TextDelta) for e in events) <= 3

    short_started = time.perf_counter()
    short = await local.complete(model=MODEL, prefix="def add(a, b):\n    return", suffix=None,
                                 max_tokens=8)
    short_took = time.perf_counter() - short_started
    await local.aclose()
    print(f"\n{1 / per_token:.0f} tokens/s; {LONG} tokens would take ~{full:.1f} s; first delta "
          f"after {cancelled_at - started:.2f} s; cancel returned in {ended - cancelled_at:.3f} "
          f"s; the next 8-token completion took {short_took:.2f} s")
    assert short.finish_reason in ("stop", "length") and short.text
    assert ended - cancelled_at < 1.0, "the cancelled stream did not end promptly"
    # Had llama.cpp gone on generating, the short request would have waited ~`full` seconds.
    assert short_took < max(0.5 * full, 8 * per_token + 1.0), (
        f"the next completion waited {short_took:.1f} s: llama.cpp went on generating")
