"""Chat latency with the embedded model: the whole stack vs llama.cpp directly.

Also the first answer after start: a fresh `pairpad open`, a question sent 3 s later (a user
typing), with the embedded model preloaded in the background (`ai.local.preload`, the default)
and without (cold start on the first question).

Whole stack = `pairpad open` subprocess, Socket.IO `chat:send` -> `chat:delta`… (context
assembly, token counting, storage, room broadcast included). Direct = the same messages
streamed straight from a llama.cpp server started the same way. Runs alternate so machine load
hits both alike. Prints time to first token (TTFT) and tokens/s, p50/p95, and the ratios.

    .venv/bin/python bench/chat.py [--runs 20] [--max-tokens 64]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.support.server

from tests.support.server import RunningServer, start_server

from pairpad.ai.budget import SYSTEM_PROMPT, build_messages
from pairpad.ai.provider_config import LocalModelSettings
from pairpad.ai.providers.local import LocalModelServer

QUESTION = "Write a Python function that checks whether a number is prime, with a docstring."
Sample = tuple[float, float]  # (ttft seconds, tokens per second)


async def via_stack(server: RunningServer, question: str, max_tokens: int) -> Sample:
    client = socketio.AsyncClient(reconnection=False)
    times: list[float] = []
    done = asyncio.Event()

    async def delta(_data: dict[str, object]) -> None:
        times.append(time.perf_counter())

    async def end(_data: dict[str, object]) -> None:
        done.set()

    client.on("chat:delta", delta)
    client.on("chat:done", end)
    client.on("chat:error", end)
    await client.connect(server.base_url, auth={"token": server.token}, transports=["websocket"])
    started = time.perf_counter()
    ack = await client.call("chat:send", {"text": question, "max_tokens": max_tokens,
                                          "temperature": 0}, timeout=60)
    assert "error" not in ack, ack
    await asyncio.wait_for(done.wait(), 120)
    await client.disconnect()
    return _sample(started, times)


async def direct(base_url: str, api_key: str, question: str, max_tokens: int) -> Sample:
    messages = [{"role": m.role, "content": m.content}
                for m in build_messages(SYSTEM_PROMPT, [], question)]
    body = {"model": "smollm2-135m-instruct", "messages": messages, "stream": True,
            "max_tokens": max_tokens, "temperature": 0}
    times: list[float] = []
    headers = {"Authorization": f"Bearer {api_key}"}  # the managed server requires its key
    async with httpx.AsyncClient(timeout=120, headers=headers) as http:
        started = time.perf_counter()
        async with http.stream("POST", f"{base_url}/chat/completions", json=body) as response:
            async for line in response.aiter_lines():
                if not line.startswith("data: ") or line == "data: [DONE]":
                    continue
                chunk = json.loads(line[6:])
                if chunk["choices"] and chunk["choices"][0]["delta"].get("content"):
                    times.append(time.perf_counter())
    return _sample(started, times)


def _sample(started: float, times: list[float]) -> Sample:
    assert len(times) >= 2, "too few tokens to time"
    return times[0] - started, (len(times) - 1) / (times[-1] - times[0])


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def first_answer(preload: bool, max_tokens: int, think: float) -> float:
    """TTFT (s) of the first question to a freshly started server."""
    root = Path(tempfile.mkdtemp(prefix="pairpad-bench-first-"))
    (root / "ws").mkdir()
    server = start_server(root / "ws", root / "data",
                          env={"PAIRPAD_AI__LOCAL__PRELOAD": str(preload).lower()})
    try:
        await asyncio.sleep(think)
        return (await via_stack(server, QUESTION, max_tokens))[0]
    finally:
        server.stop()


async def first_answers(rounds: int, max_tokens: int, think: float = 3.0) -> None:
    cold: list[float] = []
    warm: list[float] = []
    for _ in range(rounds):  # alternating, so machine load hits both alike
        cold.append(await first_answer(False, max_tokens, think))
        warm.append(await first_answer(True, max_tokens, think))
    print(f"first answer after start ({rounds} rounds, question sent {think:g}s after start):")
    print(f"  cold start (preload off): TTFT p50 {statistics.median(cold) * 1000:.0f}ms, "
          f"max {max(cold) * 1000:.0f}ms")
    print(f"  preloaded (default):      TTFT p50 {statistics.median(warm) * 1000:.0f}ms, "
          f"max {max(warm) * 1000:.0f}ms")
    print(f"  ratio cold / preloaded: x{statistics.median(cold) / statistics.median(warm):.1f}")


async def main(runs: int, max_tokens: int) -> None:
    await first_answers(3, max_tokens)
    root = Path(tempfile.mkdtemp(prefix="pairpad-bench-"))
    (root / "ws").mkdir()
    server = start_server(root / "ws", root / "data")
    llama = LocalModelServer(LocalModelSettings(), root / "logs")
    try:
        base_url = await llama.ensure_running()
        stack: list[Sample] = []
        raw: list[Sample] = []
        for i in range(runs + 2):  # two warm-up rounds, not counted
            # A new question each round (as in real use): no prompt/token-count cache hits.
            question = f"{QUESTION} Call it is_prime_{i}."
            s = await via_stack(server, question, max_tokens)
            d = await direct(base_url, llama.api_key, question, max_tokens)
            if i >= 2:
                stack.append(s)
                raw.append(d)
    finally:
        await llama.stop()
        server.stop()
    print(f"embedded model, {runs} runs, max_tokens={max_tokens}, prompt: {QUESTION!r}")
    print(f"{'':24}{'TTFT p50':>10}{'TTFT p95':>10}{'tok/s p50':>11}{'tok/s p95':>11}")
    for name, samples in (("whole stack (Socket.IO)", stack), ("llama.cpp direct", raw)):
        ttft = [s[0] * 1000 for s in samples]
        rate = [s[1] for s in samples]
        print(f"{name:24}{pct(ttft, .5):8.0f}ms{pct(ttft, .95):8.0f}ms"
              f"{pct(rate, .5):11.1f}{pct(rate, .05):11.1f}")
    ttft_ratio = statistics.median(s[0] for s in stack) / statistics.median(d[0] for d in raw)
    rate_ratio = statistics.median(d[1] for d in raw) / statistics.median(s[1] for s in stack)
    print(f"overhead ratio (stack / direct): TTFT x{ttft_ratio:.2f}, "
          f"time per token x{rate_ratio:.2f}")
    print("(tok/s 'p95' is the 5th percentile: the slow tail)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--max-tokens", type=int, default=64)
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.max_tokens))
