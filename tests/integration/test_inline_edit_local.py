"""Inline edit with the embedded model (nothing configured: every role is `local`): a real
`pairpad open`, a real socket client; the replacement streams and the run ends with done."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import socketio

from tests.support.model import require_embedded_model
from tests.support.server import RunningServer, start_server

pytestmark = pytest.mark.model

SOURCE = "def add(a, b):\n    return a - b\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    require_embedded_model()
    root: Path = tmp_path_factory.mktemp("inline-edit-local")
    (root / "ws").mkdir()
    (root / "ws" / "calc.py").write_text(SOURCE)
    running = start_server(root / "ws", root / "data")
    yield running
    running.stop()


async def test_the_embedded_model_streams_a_replacement(server: RunningServer) -> None:
    events: list[tuple[str, dict[str, Any]]] = []
    sio = socketio.AsyncClient(reconnection=False)
    for name in ("inline_edit:delta", "inline_edit:done", "inline_edit:error"):
        sio.on(name, lambda data, name=name: events.append((name, data)))
    await sio.connect(server.base_url, auth={"token": server.token},
                      transports=["websocket"], wait_timeout=10)
    try:
        ack = await sio.call("inline_edit:start", {
            "path": "calc.py", "language": "python",
            "instruction": "fix the bug: add, not subtract",
            "range": {"start_line": 2, "start_column": 1, "end_line": 3, "end_column": 1},
            "text": "    return a - b\n", "prefix": "def add(a, b):\n", "suffix": "",
        }, timeout=120)
        assert set(ack) == {"edit_id", "model"}, ack
        assert ack["model"].startswith("local:")
        async with asyncio.timeout(180):  # the model starts on demand on 2 cores
            while not any(n in ("inline_edit:done", "inline_edit:error") for n, _ in events):
                await asyncio.sleep(0.05)
    finally:
        await sio.disconnect()
    ends = [(n, d) for n, d in events if n != "inline_edit:delta"]
    assert [n for n, _ in ends] == ["inline_edit:done"], ends
    done = ends[0][1]
    deltas = [d["text"] for n, d in events if n == "inline_edit:delta"]
    assert deltas, "nothing streamed before done"
    assert all(d["edit_id"] == ack["edit_id"] for _, d in events)
    assert done["finish_reason"] in ("stop", "length")
    assert done["text"].strip(), done
    assert "```" not in "".join(deltas) and "```" not in done["text"]
    # The selection was one indented line: the replacement keeps the indentation.
    first = next(line for line in done["text"].splitlines() if line.strip())
    assert first.startswith("    "), done
