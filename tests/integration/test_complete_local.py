"""Inline completion with the embedded model (llama.cpp, SmolLM2, prefix-only) behind the real
`pairpad open`: warm-up, a real completion, cancellation that really stops llama.cpp, the
timeout, and a file's warm-up whose prompt evaluation the file's first completion reuses.

"Really stops" is measured on the llama.cpp server process itself: the CPU time it uses while
it generates a long answer, and after the cancel (or the timeout) — near zero once it stopped.
That holds on this 2-core machine shared with other test runs, where how long a generation
takes varies tenfold; the request after the cancel is timed and printed too.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio

from tests.support.model import require_embedded_model
from tests.support.server import RunningServer, start_server

pytestmark = pytest.mark.model
MODEL = "local:smollm2-135m-instruct"
TIMEOUT = 20.0  # ai.autocomplete.timeout of the main server (this machine can be slow)
SHORT_TIMEOUT = 0.5  # ... of the server for the timeout test
LONG = 3500  # ai.autocomplete.max_tokens_block: a multi-line answer may go on and on
# A pattern the model continues line after line (multi-line position: the last line is empty).
ITEMS = "ITEMS = [\n" + "".join(f'    {{"id": {i}, "name": "item{i}"}},\n' for i in range(1, 6))
TICKS = os.sysconf("SC_CLK_TCK")

def body(prefix: str, suffix: str = "\n", language: str = "python",
         **extra: Any) -> dict[str, Any]:
    return {"path": "app.py", "language": language, "prefix": prefix, "suffix": suffix,
            "cursor": {"line": prefix.count("\n") + 1,
                       "column": len(prefix.rsplit("\n", 1)[-1]) + 1}, **extra}


def serve(tmp_path_factory: pytest.TempPathFactory, timeout: float) -> RunningServer:
    require_embedded_model()
    root = tmp_path_factory.mktemp("complete-local")
    (root / "ws").mkdir()
    (root / "ws" / "app.py").write_text("def add(a, b):\n    return a + b\n")
    env = {"PAIRPAD_AI__AUTOCOMPLETE__TIMEOUT": str(timeout),
           "PAIRPAD_AI__AUTOCOMPLETE__MAX_TOKENS_BLOCK": str(LONG)}
    return start_server(root / "ws", Path(root / "data"), env=env)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = serve(tmp_path_factory, TIMEOUT)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def impatient(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = serve(tmp_path_factory, SHORT_TIMEOUT)
    yield running
    running.stop()


def llama_pid(server: RunningServer) -> int:
    """The llama.cpp server: the child of `pairpad open` running `llama_cpp.server`."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == server.process.pid and b"llama_cpp.server" in command:
            return int(entry.name)
    raise AssertionError("no llama_cpp.server child process")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


async def prime(http: httpx.AsyncClient, pid: int) -> None:
    """Have llama.cpp evaluate the long prompt now. It keeps the last prompt's evaluation, so
    the measured request then generates at once: on this loaded machine evaluating the prompt
    alone can take seconds, and an evaluation in progress cannot be interrupted (llama.cpp
    notices a closed connection at its next token)."""
    response = await http.post("/api/complete", json=body(ITEMS + '    {"id": 6', suffix=""))
    assert response.status_code in (200, 504), response.text
    async with asyncio.timeout(120):
        while await cpu_rate(pid, 0.5) > 0.02:
            pass


async def cpu_rate(pid: int, seconds: float) -> float:
    """CPU seconds per second the process uses over the next `seconds`."""
    before = cpu_seconds(pid)
    await asyncio.sleep(seconds)
    return (cpu_seconds(pid) - before) / seconds


@pytest.fixture
async def http(server: RunningServer) -> AsyncIterator[httpx.AsyncClient]:
    async with client(server) as http:
        yield http


def client(server: RunningServer) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=server.base_url, headers=server.auth_headers, timeout=180)


async def warm(http: httpx.AsyncClient) -> None:
    response = await http.post("/api/complete/warm")
    assert response.status_code == 200, response.text
    assert response.json()["model"] == MODEL and response.json()["state"] == "ready"


async def test_1_before_warm_up_a_completion_says_the_model_is_starting(
    http: httpx.AsyncClient,
) -> None:
    # Tests start servers without the background preload: the model is not loaded yet.
    response = await http.post("/api/complete", json=body("def add(a, b):\n    return "))
    assert response.status_code == 503, response.text
    assert "starting" in response.json()["detail"] and response.json()["state"] == "starting"
    await warm(http)


async def test_2_a_python_prefix_gets_a_completion(http: httpx.AsyncClient) -> None:
    await warm(http)
    prefix = "import os\n\n\ndef read_file(path):\n    with open(path) as f:\n        return "
    response = await http.post("/api/complete", json=body(prefix))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["model"] == MODEL and answer["cached"] is False
    [item] = answer["items"]
    assert item["text"].strip() and "\n" not in item["text"]  # single-line position
    assert item["range"]["start_line"] == 6
    assert answer["latency_ms"] < TIMEOUT * 1000
    # Typing the first character of it: served from the cache, no model call.
    typed = await http.post("/api/complete", json=body(prefix + item["text"][0]))
    assert typed.json()["cached"] is True
    assert typed.json()["items"][0]["text"] == item["text"][1:]


async def test_3_cancel_over_the_socket_stops_llama_cpp(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    await warm(http)
    pid = llama_pid(server)
    await prime(http, pid)
    sio = socketio.AsyncClient(reconnection=False)
    await sio.connect(server.base_url, auth={"token": server.token}, transports=["websocket"],
                      wait_timeout=10)
    try:
        pending = asyncio.ensure_future(sio.call(
            "complete:request", {"id": "long", **body(ITEMS, suffix="")}, timeout=TIMEOUT + 10))
        generating = await cpu_rate(pid, 1.5)
        # Still going (ok: true), and stopped now: the answer has no items, and is no error.
        assert await sio.call("complete:cancel", {"id": "long"}, timeout=10) == {"ok": True}
        ack = await asyncio.wait_for(pending, 10)
        assert ack["items"] == [] and "error" not in ack, ack
        await asyncio.sleep(0.5)
        after = await cpu_rate(pid, 2.0)

        started = time.perf_counter()
        short = await sio.call("complete:request",
                               {"id": "short", **body("def add(a, b):\n    return a ")},
                               timeout=TIMEOUT + 10)
        took = time.perf_counter() - started
    finally:
        await sio.disconnect()
    print(f"\nllama.cpp used {generating:.2f} CPU s/s generating, {after:.2f} after the cancel; "
          f"the next request took {took:.2f} s")
    assert generating > 0.2, "the long answer was not being generated"
    assert after < min(0.1, generating / 4), "llama.cpp went on generating after the cancel"
    assert short.get("items") is not None, short


async def test_4_timeout_names_the_setting_and_stops_generation(
    impatient: RunningServer,
) -> None:
    async with client(impatient) as http:
        await warm(http)
        pid = llama_pid(impatient)
        await prime(http, pid)
        before = cpu_seconds(pid)
        started = time.perf_counter()
        response = await http.post("/api/complete", json=body(ITEMS, suffix=""))
        took = time.perf_counter() - started
        generating = (cpu_seconds(pid) - before) / took
        assert response.status_code == 504, response.text
        assert "ai.autocomplete.timeout" in response.json()["detail"]
        assert response.json()["setting"] == "ai.autocomplete.timeout"
        assert SHORT_TIMEOUT <= took < SHORT_TIMEOUT + 2
        await asyncio.sleep(0.5)
        after = await cpu_rate(pid, 2.0)
    print(f"\nllama.cpp used {generating:.2f} CPU s/s until the timeout, {after:.2f} after it")
    assert generating > 0.2, "nothing was being generated"
    assert after < min(0.1, generating / 4), "llama.cpp went on generating after the timeout"


# A file of ~300 tokens: under ai.autocomplete.context_tokens, so the prompt holds all of it.
INVENTORY = "".join(
    f"def {name}_total(items):\n    \"\"\"The sum of the {name} of every item.\"\"\"\n"
    f"    return sum(item.{name} for item in items)\n\n\n"
    for name in ("price", "weight", "count", "volume", "tax", "discount", "margin")
) + "def describe(item):\n    return "
_HIT = re.compile(r"Llama\.generate: (\d+) prefix-match hit, remaining (\d+) prompt tokens")
_PROMPT_EVAL = re.compile(r"llama_perf_context_print:\s+prompt eval time =[^/\n]*/\s*(\d+) tokens")


def llama_log(server: RunningServer) -> Path:
    """Where the llama.cpp server writes its log: its stdout (the local server's `log_path`)."""
    return Path(os.readlink(f"/proc/{llama_pid(server)}/fd/1"))


async def generation_logged(log_path: Path, mark: int) -> tuple[list[int], list[int]]:
    """For the one generation logged after `mark`: the prompt tokens llama.cpp reused from its
    cache ("prefix-match hit"; none logged when it reused nothing) and those it evaluated
    (its perf line, printed when the generation ends). Waits (bounded, only so that a broken
    run ends) for the perf line: llama.cpp writes from its own process."""
    text = ""
    for _ in range(300):
        with log_path.open("rb") as log:
            log.seek(mark)
            text = log.read().decode(errors="replace")
        if _PROMPT_EVAL.search(text):
            break
        await asyncio.sleep(0.1)
    return [int(hit) for hit, _ in _HIT.findall(text)], [int(n) for n in _PROMPT_EVAL.findall(text)]


async def test_5_a_file_warm_up_is_reused_by_its_first_completion(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    await warm(http)  # the model is loaded (and evaluated another prompt last)
    log_path = llama_log(server)
    assert log_path.name == "llama-server.log", log_path
    context = {"editor_id": "file-warm"}
    mark = log_path.stat().st_size
    warmed = await http.post("/api/complete/warm", json=body(INVENTORY, context=context))
    assert warmed.status_code == 200, warmed.text
    assert warmed.json() == {**warmed.json(), "model": MODEL, "state": "ready"}
    # The warm-up evaluated the file's prompt: (almost) none of it was in the cache before.
    reused, evaluated = await generation_logged(log_path, mark)
    assert len(evaluated) == 1 and evaluated[0] > 150, (reused, evaluated)
    assert sum(reused) < 20, (reused, evaluated)

    mark = log_path.stat().st_size
    typed = INVENTORY + "f"  # the user typed a character: the prompt's start is the same
    response = await http.post("/api/complete", json=body(typed, context=context))
    assert response.status_code == 200, response.text
    assert response.json()["cached"] is False
    reused, evaluated = await generation_logged(log_path, mark)
    print(f"\nthe file's first completion after its warm-up: {reused} prompt tokens reused "
          f"(prefix-match hit), {evaluated} evaluated")
    assert len(reused) == 1 and len(evaluated) == 1, (reused, evaluated)
    assert reused[0] > 150 and evaluated[0] <= 5, (reused, evaluated)
