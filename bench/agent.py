"""Agent loop overhead: what one step costs beyond the model and the tool themselves.

.venv/bin/python bench/agent.py [STEPS]

A real `pairpad open` whose chat model is the scripted OpenAI-compatible server (zero model
latency), a run of STEPS `read_file` steps (each a different range, so the loop guard stays
quiet) and a final answer. Reference, in the same run: the same number of streamed chat
requests straight to the scripted server plus the same file reads through
`GET /api/files/content` — the parts a step cannot avoid. The difference is the loop's own
cost per step: the event log in SQLite (each event a transaction), the bus, the socket, the
tool's checks.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from tests.integration.test_agent_socket import Client
from tests.support.openai_server import scripted_openai
from tests.support.server import start_server

from _common import machine


async def agent_run(base: str, token: str, steps: int, script: Any, server: Any) -> float:
    script.turns[:] = [{"tool_calls": [{"name": "read_file", "arguments": {
        "path": "module.py", "start_line": n + 1, "end_line": n + 20}}]}
        for n in range(steps)] + [{"text": "Read it."}]
    client = await Client().connect(server)
    try:
        started = time.perf_counter()
        run_id = await client.start("Read module.py", mode="ask")
        done = await client.finished(run_id, timeout=600)
        elapsed = time.perf_counter() - started
    finally:
        await client.close()
    assert done["reason"] == "completed", done
    return elapsed


async def reference(server: Any, script: Any, steps: int) -> float:
    body = {"model": "agent-model", "stream": True,
            "messages": [{"role": "user", "content": "Read module.py"}]}
    script.turns[:] = []
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.auth_headers) as api, \
            httpx.AsyncClient() as model:
        started = time.perf_counter()
        for _ in range(steps + 1):
            async with model.stream("POST", f"{script.base_url}/chat/completions",
                                    json=body) as response:
                async for _chunk in response.aiter_bytes():
                    pass
        for _ in range(steps):
            response = await api.get("/api/files/content", params={"path": "module.py"})
            assert response.status_code == 200
        return time.perf_counter() - started


async def main(steps: int) -> None:
    print(machine())
    with tempfile.TemporaryDirectory() as tmp, scripted_openai(models=["agent-model"]) as script:
        root = Path(tmp)
        (root / "ws").mkdir()
        (root / "ws" / "module.py").write_text("".join(f"x_{n} = {n}\n" for n in range(400)))
        server = start_server(root / "ws", root / "data", env={
            "PAIRPAD_INDEX__ENABLED": "false",
            "PAIRPAD_AI__PROVIDERS__SCRIPTED__KIND": "openai_compat",
            "PAIRPAD_AI__PROVIDERS__SCRIPTED__BASE_URL": script.base_url,
            "PAIRPAD_AI__PROVIDERS__SCRIPTED__MODELS": '["agent-model"]',
            "PAIRPAD_AI__ROLES__CHAT": "scripted:agent-model",
            "PAIRPAD_AGENT__MAX_STEPS": str(steps + 5),
        })
        try:
            await agent_run(server.base_url, server.token, 3, script, server)  # warm-up
            runs = [await agent_run(server.base_url, server.token, steps, script, server)
                    for _ in range(3)]
            refs = [await reference(server, script, steps) for _ in range(3)]
        finally:
            server.stop()
    run, ref = min(runs), min(refs)
    per_step, per_ref = run / (steps + 1) * 1000, ref / (steps + 1) * 1000
    print(f"agent run, {steps} read_file steps + answer: {run * 1000:8.0f} ms  "
          f"({per_step:.1f} ms per step)")
    print(f"reference (model round trips + file reads): {ref * 1000:8.0f} ms  "
          f"({per_ref:.1f} ms per step)")
    print(f"loop overhead per step: {per_step - per_ref:.1f} ms   ratio {run / ref:.2f}x")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 30))
