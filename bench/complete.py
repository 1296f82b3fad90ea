"""Inline completion (issue 11): server overhead, end-to-end latency, cache, quality.

Four parts, each printed with its reference measured in the same run:

- overhead: the real `pairpad open` with a zero-latency scripted OpenAI-compatible server as
  the autocomplete role (a Qwen2.5-Coder name: the FIM template is rendered). Round trip of
  POST /api/complete (keep-alive httpx) and of Socket.IO `complete:request`, against a direct
  streamed call to the scripted server with the very body our server sent it (recorded);
  the difference is our server's own time. Every prefix is new (no cache); a cache hit (the
  same request again) is timed apart.
- latency: nothing configured (the embedded SmolLM2 through llama.cpp), warmed first; positions
  in real files of the standard library (fixed seed; mid-line and end-of-line cursors), each
  completed over Socket.IO and by calling the same llama.cpp server directly (its port and key
  read from the child process) with the same prompt (built by the service's `build_prompt` and
  the profile's `completion_prompt`), same max_tokens, stops, temperature 0, streamed and cut
  at the first full line as the service does; order alternates per position.
- typing: a typing session replayed over a standard-library module, char by char at 30 ms/char,
  through a port of the front end's engine (frontend/src/completion: the SuggestionCache
  consulted first, the adaptive debounce, one request in flight, aborted by the next key with
  `complete:cancel`); a shown suggestion that equals the start of what comes next is accepted
  (the text jumps ahead). Three typists: a pause of 1 s after each line; a pause after each
  line until its suggestion is there (3 s at most); no pause at all.
- quality: held-out lines of standard-library files, cursor mid-line (half the line's text),
  the embedded model's single-line completion (provider `stream_complete`, the service's
  prompt) against the real rest of the line: exact match and difflib similarity, raw and
  after `clean_completion`.

    .venv/bin/python bench/complete.py [--only overhead,latency,typing,quality]
    BENCH_N=20 .venv/bin/python bench/complete.py   # a quick run: N per part
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import difflib
import functools
import json
import os
import random
import shutil
import statistics
import sys
import sysconfig
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.support

from tests.support.openai_server import ScriptedOpenAI, scripted_openai
from tests.support.server import RunningServer, start_server

from _common import machine, percentile
from pairpad.ai.completion.cleanup import clean_completion
from pairpad.ai.completion.prompt import CompletionPrompt, PromptInput, build_prompt
from pairpad.ai.profiles import BUILTIN_PROFILES
from pairpad.ai.provider_config import LOCAL_MODEL_ID, AutocompleteSettings, LocalModelSettings
from pairpad.ai.providers.base import TextDelta, merge_stops
from pairpad.ai.providers.local import LocalModelServer, LocalProvider

CODER = "qwen2.5-coder-1.5b"
STDLIB = Path(sysconfig.get_paths()["stdlib"])
SETTINGS = AutocompleteSettings()
MAX_PREFIX_CHARS, MAX_SUFFIX_CHARS = 16_000, 4_000  # the front end's caps (engine.ts)
Body = dict[str, Any]


def bench_n(default: int) -> int:
    value = os.environ.get("BENCH_N")
    return int(value) if value else default


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def pcts(samples: list[float]) -> str:
    return (f"p50 {ms(percentile(samples, .5))} ms, p95 {ms(percentile(samples, .95))} ms "
            f"(n={len(samples)})")


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


# -- positions in the standard library ---------------------------------------------------

def stdlib_files() -> list[Path]:
    skip = ("test", "site-packages", "idlelib", "lib2to3", "tkinter", "turtledemo")
    files = [p for p in sorted(STDLIB.rglob("*.py"))
             if not any(part in skip for part in p.relative_to(STDLIB).parts)
             and 2_000 < p.stat().st_size < 150_000]
    return files


@dataclass
class Position:
    path: str  # relative to the standard library
    prefix: str
    suffix: str
    kind: str  # "mid-line" | "end-of-line"
    expected: str = ""  # the held-out rest of the line (quality)

    def body(self, **context: Any) -> Body:
        prefix, suffix = self.prefix[-MAX_PREFIX_CHARS:], self.suffix[:MAX_SUFFIX_CHARS]
        last = self.prefix.rsplit("\n", 1)[-1]
        return {"path": self.path, "language": "python", "prefix": prefix, "suffix": suffix,
                "cursor": {"line": self.prefix.count("\n") + 1, "column": len(last) + 1},
                "context": context}


def positions(count: int, seed: int, *, held_out: bool = False) -> list[Position]:
    """Cursor positions in code lines (not blank, not comments); alternately mid-line and at
    the end of a line. `held_out`: always mid-line at half the line's text, the rest of the
    line removed from the file (it is what the model should write), never right after a block
    opener (a single-line completion)."""
    rng = random.Random(seed)
    files = stdlib_files()
    found: list[Position] = []
    while len(found) < count:
        file = rng.choice(files)
        text = file.read_text(encoding="utf-8", errors="replace")
        lines = text.split("\n")
        index = rng.randrange(len(lines))
        line = lines[index]
        content = line.strip()
        if len(content) < 12 or content.startswith(("#", '"', "'")):
            continue
        start = sum(len(x) + 1 for x in lines[:index])
        indent = len(line) - len(line.lstrip())
        if held_out:
            column = indent + len(content) // 2
            while column > indent and line[:column].rstrip().endswith((":", "(", "[", "{")):
                column -= 1
            expected = line[column:].rstrip()
            if column <= indent or not expected.strip():
                continue
            found.append(Position(str(file.relative_to(STDLIB)), text[:start + column],
                                  text[start + len(line):], "mid-line", expected))
            continue
        if len(found) % 2 == 0:
            column = rng.randrange(indent + 3, len(line) - 2)
            kind = "mid-line"
        else:
            column, kind = len(line), "end-of-line"
        found.append(Position(str(file.relative_to(STDLIB)), text[:start + column],
                              text[start + column:], kind))
    return found


def local_prompt(position: Position) -> tuple[CompletionPrompt, str, list[str]]:
    """The prompt the service builds for the embedded model (no snippets: an empty workspace),
    the raw prompt text the provider sends and its stop list."""
    profile = BUILTIN_PROFILES.get("local", LOCAL_MODEL_ID, "local")
    body = position.body()
    prompt = build_prompt(
        PromptInput(body["path"], "python", body["prefix"], body["suffix"]), profile, [],
        budget_tokens=SETTINGS.context_tokens, max_tokens_line=SETTINGS.max_tokens_line,
        max_tokens_block=SETTINGS.max_tokens_block)
    raw, needed = profile.completion_prompt(prompt.prefix, prompt.suffix)
    return prompt, raw, merge_stops(prompt.stop, needed)


# -- clients -----------------------------------------------------------------------------

async def connect(server: RunningServer) -> socketio.AsyncClient:
    sio = socketio.AsyncClient(reconnection=False)
    await sio.connect(server.base_url, auth={"token": server.token}, transports=["websocket"],
                      wait_timeout=20)
    return sio


_ids = iter(range(10**9))


async def via_socket(sio: socketio.AsyncClient, body: Body, timeout: float = 60) -> Body:
    ack: Body = await sio.call("complete:request", {"id": f"b{next(_ids)}", **body},
                               timeout=timeout)
    if "error" in ack:
        raise RuntimeError(f"complete:request: {ack}")
    return ack


async def via_http(http: httpx.AsyncClient, body: Body) -> Body:
    response = await http.post("/api/complete", json=body)
    response.raise_for_status()
    answer: Body = response.json()
    return answer


def _full_line(text: str) -> bool:
    end = text.rfind("\n")
    return end > 0 and bool(text[:end].strip())


async def direct(http: httpx.AsyncClient, url: str, body: Body, *, single_line: bool) -> str:
    """A streamed /v1/completions call, read as the service reads it (cut at the first full
    line of a single-line completion); the raw text."""
    text = ""
    async with http.stream("POST", url, json=body) as response:
        response.raise_for_status()
        async for line in response.aiter_lines():
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            for choice in json.loads(line[6:])["choices"][:1]:
                text += choice.get("text") or ""
            if single_line and _full_line(text):
                break
    return text


async def timed(call: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = await call()
    return time.perf_counter() - started, result


# -- 1. server overhead ------------------------------------------------------------------

async def overhead(rounds: int) -> None:
    source = (STDLIB / "json" / "decoder.py").read_text()
    base = source[:source.index("def JSONObject(")] + "def parse_value(s, end):\n    "
    with scripted_openai(models=[CODER], completion="return a + b\n") as script, \
            tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "ws"
        shutil.copytree(STDLIB / "json", workspace / "json")  # the index finds definitions
        env = {"PAIRPAD_AI__PROVIDERS__SCRIPTED__KIND": "openai_compat",
               "PAIRPAD_AI__PROVIDERS__SCRIPTED__BASE_URL": script.base_url,
               "PAIRPAD_AI__ROLES__AUTOCOMPLETE": f"scripted:{CODER}"}
        # With the codebase index (signatures of the names near the cursor: the default), and
        # without it (PAIRPAD_INDEX__ENABLED=false): what gathering that context costs.
        for index in (True, False):
            extra = {} if index else {"PAIRPAD_INDEX__ENABLED": "false"}
            server = start_server(workspace, Path(tmp) / f"data-{index}", env=env | extra)
            try:
                await _overhead(server, script, base, rounds,
                                "index on (default)" if index else "index off")
            finally:
                server.stop()


async def _wait_index(http: httpx.AsyncClient) -> None:
    for _ in range(600):
        status = (await http.get("/api/index/status")).json()
        embeddings = (status.get("embeddings") or {}).get("state")
        if status["state"] in ("ready", "idle", "disabled", "error") and embeddings not in (
                "pending", "embedding"):
            return
        await asyncio.sleep(0.2)


async def _overhead(server: RunningServer, script: ScriptedOpenAI, base: str,
                    rounds: int, label: str) -> None:
    http = httpx.AsyncClient(base_url=server.base_url, headers=server.auth_headers, timeout=30)
    plain = httpx.AsyncClient(timeout=30)
    sio = await connect(server)
    url = f"{script.base_url}/completions"
    times: dict[str, list[float]] = {k: [] for k in ("http", "socket", "direct", "http hit",
                                                      "socket hit", "server http",
                                                      "server socket")}
    try:
        await _wait_index(http)
        warmup = 20
        for i in range(rounds + warmup):
            bodies = {name: Position("json/decoder.py", base + f"value_{name}_{i} = ", "\n",
                                     "end-of-line").body() for name in ("http", "socket")}
            calls: dict[str, Callable[[], Awaitable[Body]]] = {
                "http": functools.partial(via_http, http, bodies["http"]),
                "socket": functools.partial(via_socket, sio, bodies["socket"])}
            order = ["http", "socket"] if i % 2 == 0 else ["socket", "http"]
            sample: dict[str, float] = {}
            for name in order:
                elapsed, answer = await timed(calls[name])
                assert answer["cached"] is False and answer["items"], answer
                sample[name], sample[f"server {name}"] = elapsed, answer["latency_ms"] / 1000
                hit_elapsed, hit = await timed(calls[name])  # the same request: a cache hit
                assert hit["cached"] is True, hit
                sample[f"{name} hit"] = hit_elapsed
            sent = script.bodies()[-1]  # what our server sent the model, replayed as is
            assert "<|fim_prefix|>" in sent["prompt"], sent["prompt"][:80]
            sample["direct"], _ = await timed(
                functools.partial(direct, plain, url, sent, single_line=True))
            if i >= warmup:
                for name, value in sample.items():
                    times[name].append(value)
    finally:
        await sio.disconnect()
        await http.aclose()
        await plain.aclose()
    print(f"overhead, {label}: zero-latency scripted model ({CODER}, FIM), {rounds} rounds, "
          f"each prefix new; {load()} at the end")
    for name in ("direct", "http", "socket"):
        print(f"  round trip {name:7} {pcts(times[name])}")
    for name in ("http", "socket"):
        own = [a - b for a, b in zip(times[name], times["direct"], strict=True)]
        print(f"  {name:6} minus direct (our server's own time): {pcts(own)}; server-side "
              f"latency_ms {pcts(times['server ' + name])}")
    for name in ("http", "socket"):
        print(f"  cache hit {name:6} round trip {pcts(times[name + ' hit'])}")
    faster = min(("http", "socket"), key=lambda n: statistics.median(times[n]))
    ratio = statistics.median(times["http"]) / statistics.median(times["socket"])
    print(f"  faster transport: {faster} (p50 http / socket = {ratio:.2f})")


# -- 2. end-to-end latency with the embedded model ---------------------------------------

def llama_endpoint(server: RunningServer) -> tuple[str, str]:
    """The base URL and key of the llama.cpp server `pairpad open` runs (its child)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue
        if ppid == server.process.pid and b"llama_cpp.server" in argv:
            port = argv[argv.index(b"--port") + 1].decode()
            environ = (entry / "environ").read_bytes().split(b"\0")
            key = next(v[8:].decode() for v in environ if v.startswith(b"API_KEY="))
            return f"http://127.0.0.1:{port}/v1", key
    raise RuntimeError("no llama_cpp.server child of pairpad open")


async def embedded_server(tmp: Path, **env: str) -> RunningServer:
    (tmp / "ws").mkdir()
    server = start_server(tmp / "ws", tmp / "data", env=env)
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.auth_headers,
                                 timeout=300) as http:
        started = time.perf_counter()
        (await http.post("/api/complete/warm")).raise_for_status()
        print(f"  warm-up (model load + 1 token): {time.perf_counter() - started:.1f} s")
    return server


async def latency(count: int) -> None:
    chosen = positions(count, seed=11)
    with tempfile.TemporaryDirectory() as tmp:
        # A long timeout: the whole distribution is measured (the default 3 s would answer
        # 504 and cut the tail); how many took longer than 3 s is printed.
        server = await embedded_server(Path(tmp), PAIRPAD_AI__AUTOCOMPLETE__TIMEOUT="60")
        try:
            await _latency(server, chosen)
        finally:
            server.stop()


async def _latency(server: RunningServer, chosen: list[Position]) -> None:
    base_url, key = llama_endpoint(server)
    plain = httpx.AsyncClient(timeout=120, headers={"Authorization": f"Bearer {key}"})
    sio = await connect(server)
    stack: list[float] = []
    raw: list[float] = []
    same = cached = 0
    kinds: dict[str, list[tuple[float, float]]] = {}
    # llama.cpp reuses the KV cache of the previous prompt's common prefix: the second of two
    # calls with one prompt would evaluate almost nothing. So no call follows one with the same
    # prompt: S1 S2 D1 S3 D2 S4 D3 ... (S: the stack, D: direct; each follows the other kind).
    answers: dict[int, tuple[float, Body]] = {}
    raws: dict[int, tuple[float, str]] = {}
    prompts = [local_prompt(position) for position in chosen]
    try:
        schedule = [("S", 0)] + [step for i in range(1, len(chosen))
                                 for step in (("S", i), ("D", i - 1))] + [("D", len(chosen) - 1)]
        for kind, i in schedule:
            prompt, text, stops = prompts[i]
            if kind == "S":
                answers[i] = await timed(functools.partial(
                    via_socket, sio, chosen[i].body(), timeout=120))
                continue
            body = {"model": LOCAL_MODEL_ID, "prompt": text, "stream": True,
                    "max_tokens": prompt.max_tokens, "temperature": 0.0, "stop": stops,
                    "stream_options": {"include_usage": True}}
            raws[i] = await timed(functools.partial(
                direct, plain, f"{base_url}/completions", body,
                single_line=not prompt.multiline))
        for i, position in enumerate(chosen):
            (t_ours, answer), (t_raw, got) = answers[i], raws[i]
            if answer["cached"]:
                cached += 1
                continue
            shown = answer["items"][0]["text"] if answer["items"] else ""
            same += shown == clean_completion(got, position.body()["prefix"],
                                              position.body()["suffix"],
                                              multiline=prompts[i][0].multiline)
            stack.append(t_ours)
            raw.append(t_raw)
            kinds.setdefault(position.kind, []).append((t_ours, t_raw))
    finally:
        await sio.disconnect()
        await plain.aclose()
    print(f"latency: embedded {LOCAL_MODEL_ID} (llama.cpp), {len(stack)} positions in the "
          f"standard library ({cached} cache hits left out); {load()} at the end")
    print(f"  whole stack (Socket.IO) {pcts(stack)}; mean {ms(statistics.mean(stack))} ms")
    print(f"  llama.cpp direct        {pcts(raw)}; mean {ms(statistics.mean(raw))} ms")
    print(f"  ratio stack / direct: p50 x{statistics.median(stack) / statistics.median(raw):.2f}"
          f", p95 x{percentile(stack, .95) / percentile(raw, .95):.2f}; median of the "
          f"differences {ms(statistics.median(a - b for a, b in zip(stack, raw, strict=True)))}"
          " ms")
    for kind, pairs in sorted(kinds.items()):
        print(f"  {kind:12} stack {pcts([a for a, _ in pairs])} | direct "
              f"{pcts([b for _, b in pairs])}")
    print(f"  over 3 s (the default ai.autocomplete.timeout: a 504): "
          f"{sum(t > 3 for t in stack)}; same text both ways: {same}/{len(stack)}")


# -- 3. typing session: cache hits and requests saved -------------------------------------

class SuggestionCache:
    """frontend/src/completion/cache.ts, line for line."""

    def __init__(self, capacity: int = 32) -> None:
        self.capacity = capacity
        self.entries: list[tuple[str, str, str]] = []  # (prefix, suffix, text), newest first

    def put(self, prefix: str, suffix: str, text: str) -> None:
        self.entries = [e for e in self.entries if e[0] != prefix]
        self.entries.insert(0, (prefix, suffix, text))
        del self.entries[self.capacity:]

    def lookup(self, prefix: str, suffix: str) -> str | None:
        for earlier, earlier_suffix, text in self.entries:
            if earlier_suffix != suffix or len(prefix) < len(earlier):
                continue
            if not prefix.startswith(earlier):
                continue
            typed = prefix[len(earlier):]
            if typed == "":
                return text
            if len(typed) < len(text) and text.startswith(typed):
                return text[len(typed):]
        return None


def debounce_delay(interval: float | None, last_latency: float | None) -> float:
    """frontend/src/completion/debounce.ts (milliseconds)."""
    from_typing = 75.0 if interval is None else interval * 1.25
    from_latency = 0.0 if last_latency is None else last_latency / 4
    return round(min(350.0, max(15.0, max(from_typing, from_latency))))


@dataclass
class Engine:
    """The front end's CompletionEngine (engine.ts) over Socket.IO, one editor."""

    sio: socketio.AsyncClient
    path: str
    cache: SuggestionCache = field(default_factory=SuggestionCache)
    last_key: float | None = None
    interval: float | None = None
    last_latency: float | None = None
    task: asyncio.Task[None] | None = None
    shown: tuple[int, str] | None = None  # (buffer version, suggestion)
    version: int = 0  # the buffer's current version
    requests = client_hits = server_hits = answered = shown_count = 0
    latencies: list[float] = field(default_factory=list)

    def change(self, prefix: str, suffix: str, version: int) -> None:
        now = time.perf_counter() * 1000
        if self.last_key is not None and 0 <= now - self.last_key < 1000:
            gap = now - self.last_key
            self.interval = gap if self.interval is None else self.interval + 0.3 * (
                gap - self.interval)
        self.last_key = now
        self.version = version
        if self.task is not None:
            self.task.cancel()  # what it asked for is older text
        hit = self.cache.lookup(prefix, suffix)
        if hit is not None:
            self.client_hits += 1
            if hit:
                self.show(version, hit)
            return
        self.task = asyncio.create_task(self.ask(prefix, suffix, version))

    def show(self, version: int, text: str) -> None:
        if version != self.version:
            return  # an answer for older text is never shown
        self.shown = (version, text)
        self.shown_count += 1

    async def ask(self, prefix: str, suffix: str, version: int) -> None:
        await asyncio.sleep(debounce_delay(self.interval, self.last_latency) / 1000)
        self.requests += 1
        request_id = f"t{next(_ids)}"
        last = prefix.rsplit("\n", 1)[-1]
        body = {"id": request_id, "path": self.path, "language": "python",
                "prefix": prefix[-MAX_PREFIX_CHARS:], "suffix": suffix[:MAX_SUFFIX_CHARS],
                "cursor": {"line": prefix.count("\n") + 1, "column": len(last) + 1},
                "context": {"editor_id": "bench", "version": version}}
        try:
            ack: Body = await self.sio.call("complete:request", body, timeout=120)
        except asyncio.CancelledError:
            await self.sio.emit("complete:cancel", {"id": request_id})
            raise
        if "error" in ack:
            return
        self.answered += 1
        self.server_hits += bool(ack["cached"])
        self.last_latency = ack["latency_ms"]
        if not ack["cached"]:
            self.latencies.append(ack["latency_ms"] / 1000)
        text = ack["items"][0]["text"] if ack["items"] else ""
        self.cache.put(prefix, suffix, text)
        if text:
            self.show(version, text)


@dataclass
class Session:
    keystrokes: int = 0
    accepted: int = 0
    accepted_chars: int = 0
    seconds: float = 0.0


async def type_session(engine: Engine, document: str, start: int, end: int, *,
                       per_char: float, line_pause: float | None) -> Session:
    """`line_pause`: seconds the typist stops after each line; None: until the suggestion
    for the new line is there (at most the 3 s of the default timeout)."""
    session = Session()
    suffix = document[end:]
    typed = start
    version = 0
    clock = time.perf_counter()
    began = clock
    pause = 0.0
    while typed < end:
        clock += per_char + pause
        await asyncio.sleep(max(0.0, clock - time.perf_counter()))
        upcoming = document[typed:end]
        shown = engine.shown
        if shown is not None and shown[0] == version and upcoming.startswith(shown[1]):
            typed += len(shown[1])  # Tab: the suggestion is what comes next
            session.accepted += 1
            session.accepted_chars += len(shown[1])
            pause = 0.0
        else:
            typed += 1
            session.keystrokes += 1
            at_line_end = document[typed - 1] == "\n"
            pause = (line_pause or 0.0) if at_line_end else 0.0
        version += 1
        engine.shown = None
        engine.change(document[:typed], suffix, version)
        if line_pause is None and pause == 0.0 and document[typed - 1] == "\n" \
                and engine.task is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(engine.task), 3.0)
            clock = time.perf_counter()
    await asyncio.sleep(1.0)  # the last request may answer
    if engine.task is not None:
        engine.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await engine.task
    session.seconds = time.perf_counter() - began
    return session


def session_spans(count: int, seed: int, length: int) -> list[tuple[Path, int, int]]:
    rng = random.Random(seed)
    files = stdlib_files()
    spans: list[tuple[Path, int, int]] = []
    while len(spans) < count:
        file = rng.choice(files)
        text = file.read_text(encoding="utf-8", errors="replace")
        starts = [i + 1 for i, c in enumerate(text) if c == "\n" and text[i + 1:i + 5] == "def "]
        if not starts:
            continue
        start = rng.choice(starts)
        end = text.find("\n", start + length)
        if end < 0 or end - start > 2 * length:
            continue
        spans.append((file, start, end + 1))
    return spans


async def typing(count: int) -> None:
    spans = session_spans(count, seed=5, length=400)
    with tempfile.TemporaryDirectory() as tmp:
        server = await embedded_server(Path(tmp))
        try:
            pauses: tuple[float | None, ...] = (1.0, None, 0.0)
            for line_pause in pauses:
                totals = Session()
                engines = []
                for file, start, end in spans:
                    sio = await connect(server)
                    engine = Engine(sio, f"{file.relative_to(STDLIB)}#{line_pause}")
                    try:
                        done = await type_session(engine, file.read_text(), start, end,
                                                  per_char=0.030, line_pause=line_pause)
                    finally:
                        await sio.disconnect()
                    engines.append(engine)
                    for name in ("keystrokes", "accepted", "accepted_chars", "seconds"):
                        setattr(totals, name, getattr(totals, name) + getattr(done, name))
                _print_typing(spans, line_pause, totals, engines)
        finally:
            server.stop()


def _print_typing(spans: list[tuple[Path, int, int]], line_pause: float | None, totals: Session,
                  engines: list[Engine]) -> None:
    chars = sum(end - start for _, start, end in spans)
    requests = sum(e.requests for e in engines)
    latencies = [x for e in engines for x in e.latencies]
    print(f"typing: {len(spans)} sessions, {chars} characters of the standard library "
          f"({', '.join(str(f.relative_to(STDLIB)) for f, _, _ in spans)}), 30 ms/char, "
          f"pause after each line "
          f"{'until its suggestion (3 s at most)' if line_pause is None else f'{line_pause:g} s'}"
          f"; {load()}")
    print(f"  keystrokes {totals.keystrokes}, requests sent {requests} "
          f"({requests / max(totals.keystrokes, 1):.1%} of keystrokes), answered "
          f"{sum(e.answered for e in engines)}, client cache hits "
          f"{sum(e.client_hits for e in engines)}, server cache hits "
          f"{sum(e.server_hits for e in engines)}")
    print(f"  suggestions shown {sum(e.shown_count for e in engines)}, accepted "
          f"{totals.accepted} ({totals.accepted_chars} chars, "
          f"{totals.accepted_chars / chars:.1%} of the text); model latency "
          f"{pcts(latencies) if latencies else 'n/a'}; {totals.seconds:.0f} s")


# -- 4. quality proxy --------------------------------------------------------------------

async def quality(count: int) -> None:
    chosen = positions(count, seed=23, held_out=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = LocalModelServer(LocalModelSettings(), Path(tmp))
        provider = LocalProvider(server)
        try:
            await server.ensure_running()
            scores: dict[str, list[tuple[bool, float]]] = {"raw": [], "cleaned": []}
            started = time.perf_counter()
            for position in chosen:
                body = position.body()
                prompt, _, _ = local_prompt(position)
                assert not prompt.multiline
                parts = []
                async for event in provider.stream_complete(
                        model=LOCAL_MODEL_ID, prefix=prompt.prefix, suffix=prompt.suffix,
                        max_tokens=prompt.max_tokens, temperature=0.0, stop=prompt.stop):
                    if isinstance(event, TextDelta):
                        parts.append(event.text)
                raw = "".join(parts)
                cleaned = clean_completion(raw, body["prefix"], body["suffix"], multiline=False)
                for name, text in (("raw", raw), ("cleaned", cleaned)):
                    ratio = difflib.SequenceMatcher(None, text, position.expected).ratio()
                    scores[name].append((text == position.expected, ratio))
            elapsed = time.perf_counter() - started
        finally:
            await server.stop()
    print(f"quality: {len(chosen)} held-out lines of the standard library, cursor at half the "
          f"line, single-line completions of {LOCAL_MODEL_ID}; {elapsed:.0f} s; {load()}")
    for name, values in scores.items():
        exact = sum(e for e, _ in values) / len(values)
        similarity = statistics.mean(r for _, r in values)
        print(f"  {name:8} exact match {exact:.1%}, edit similarity (difflib) mean "
              f"{similarity:.3f}, median {statistics.median(r for _, r in values):.3f}")


PARTS: dict[str, tuple[Callable[[int], Awaitable[None]], int]] = {
    "overhead": (overhead, 300), "latency": (latency, 200), "typing": (typing, 3),
    "quality": (quality, 500)}


async def main(only: list[str]) -> None:
    print(f"machine: {machine()}; {load()}")
    for name in only:
        run, default = PARTS[name]
        # A typing session takes ~30 s: BENCH_N caps their number at 3.
        await run(min(bench_n(default), default) if name == "typing" else bench_n(default))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(PARTS),
                        help="comma-separated parts: " + ", ".join(PARTS))
    args = parser.parse_args()
    asyncio.run(main([part.strip() for part in args.only.split(",") if part.strip()]))
