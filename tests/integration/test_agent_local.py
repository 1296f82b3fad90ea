"""An agent run on the real embedded model (llama.cpp): it cannot call tools, so the run
says so and ends with that reason within its budget — never a hang."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.test_agent_socket import Client
from tests.support.model import require_embedded_model
from tests.support.server import RunningServer, start_server

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    require_embedded_model()
    root: Path = tmp_path_factory.mktemp("agent-local")
    (root / "ws").mkdir()
    (root / "ws" / "calc.py").write_text("def add(a, b):\n    return a - b\n")
    running = start_server(root / "ws", root / "data",
                           env={"PAIRPAD_AGENT__REPLY_TOKENS": "64"})
    yield running
    running.stop()


async def test_a_run_on_the_embedded_model_ends_with_a_clear_reason(
        server: RunningServer) -> None:
    client = await Client().connect(server)
    try:
        run_id = await client.start("Fix the bug in calc.py")
        done = await client.finished(run_id, timeout=240)  # the model loads on first use
    finally:
        await client.close()
    assert done["reason"].startswith("error: local:"), done
    assert "cannot call tools" in done["reason"]
    errors = client.of_type(run_id, "error")
    assert errors and "Pick a tool-calling model" in errors[0]["message"]
    assert client.of_type(run_id, "message"), "the model's one text answer is in the log"
    assert (Path(server.process.args[4]) / "calc.py").read_text().endswith("a - b\n")
