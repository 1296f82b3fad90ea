"""Inline completion on the embedded model, for real: a cancelled stream stops llama.cpp.

llama.cpp's server generates for one request at a time and logs `eval time = … / N runs` when a
generation finishes (a generation stopped because its client left logs none). Here a 1,500-token
completion is cancelled after its first delta and a short one follows; the log from a mark
taken before the cancel must show the client leaving and no generation longer than the short
one (a few tokens of slack): one that went on would log ~1,500 runs. What happened is checked,
not how long it took (DESIGN §7), so a loaded machine does not matter.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from pairpad.ai.provider_config import LocalModelSettings
from pairpad.ai.providers.base import CompletionEvent, StreamEnd, TextDelta
from pairpad.ai.providers.local import LocalModelServer, LocalProvider
from tests.support.llama_log import DISCONNECTED, check_generation_stopped, finished_generations
from tests.support.model import require_embedded_model

pytestmark = pytest.mark.model
MODEL = "smollm2-135m-instruct"
# Counting: the model goes on and on (no end-of-text), so a long generation really is long.
COUNTING = "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,"
LONG = 1500
SHORT = 8
SLACK = 8  # tokens the cancelled generation may still finish with, were it to log a line


@pytest.fixture(scope="module")
def llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalModelServer]:
    require_embedded_model()
    server = LocalModelServer(LocalModelSettings(), tmp_path_factory.mktemp("llama-logs"))
    asyncio.run(server.ensure_running())
    yield server
    asyncio.run(server.stop())


async def log_after(server: LocalModelServer, mark: int) -> str:
    """The log from `mark` once it shows the disconnect and a finished generation. The server
    writes it from another process, possibly just after answering; the wait is bounded only so
    that a broken run ends (it is no timing assertion: the content is checked after)."""
    tail = ""
    for _ in range(600):
        with server.log_path.open("rb") as log:
            log.seek(mark)
            tail = log.read().decode(errors="replace")
        if DISCONNECTED in tail and finished_generations(tail):
            break
        await asyncio.sleep(0.1)
    return tail


async def test_cancelled_completion_stops_llama_cpp(llama: LocalModelServer) -> None:
    local = LocalProvider(llama)
    await local.complete(model=MODEL, prefix="1, 2,", suffix=None, max_tokens=2)  # warm up
    mark = llama.log_path.stat().st_size

    cancel = asyncio.Event()
    events: list[CompletionEvent] = []
    async for event in local.stream_complete(model=MODEL, prefix=COUNTING, suffix=None,
                                             max_tokens=LONG, cancel=cancel):
        events.append(event)
        if isinstance(event, TextDelta):
            cancel.set()
    end = events[-1]
    assert isinstance(end, StreamEnd) and end.finish_reason == "cancelled", events
    assert sum(isinstance(e, TextDelta) for e in events) <= 3

    short = await local.complete(model=MODEL, prefix="def add(a, b):\n    return", suffix=None,
                                 max_tokens=SHORT)
    await local.aclose()
    assert short.finish_reason in ("stop", "length") and short.text
    check_generation_stopped(await log_after(llama, mark), most_runs=SHORT + SLACK)
