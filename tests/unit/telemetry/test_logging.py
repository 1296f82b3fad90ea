"""Finding 10 (JSON logs drop tracebacks) and 12 (log lines written on the event loop)."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator

import pytest
import structlog

from pairpad.telemetry import logging as pairpad_logging


class Stream(io.StringIO):
    """stderr stand-in that remembers which threads wrote to it."""

    def __init__(self) -> None:
        super().__init__()
        self.writers: set[str] = set()

    def write(self, text: str) -> int:
        self.writers.add(threading.current_thread().name)
        return super().write(text)


@pytest.fixture
def stderr(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stream]:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = Stream()
    monkeypatch.setattr("sys.stderr", stream)
    pairpad_logging.configure_logging("info", json_logs=True)
    yield stream
    pairpad_logging.stop_logging()
    root.handlers[:], level = saved
    root.setLevel(level)
    structlog.reset_defaults()


def lines(stream: Stream) -> list[dict[str, object]]:
    pairpad_logging.stop_logging()  # flush the log thread
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_finding_10_json_logs_render_tracebacks(stderr: Stream) -> None:
    log = structlog.get_logger("pairpad.test")
    try:
        1 / 0  # noqa: B018
    except ZeroDivisionError:
        log.exception("it broke")
    try:
        int("x")
    except ValueError:
        logging.getLogger("foreign").exception("stdlib too")
    first, second = lines(stderr)
    assert first["event"] == "it broke"
    assert "Traceback" in str(first["exception"]) and "ZeroDivisionError" in str(first["exception"])
    assert "exc_info" not in first
    assert "ValueError" in str(second["exception"])


def test_finding_12_log_lines_are_written_off_the_calling_thread(stderr: Stream) -> None:
    with structlog.contextvars.bound_contextvars(request_id="abc"):
        structlog.get_logger("pairpad.test").info("structured", status=200)
        logging.getLogger("uvicorn.error").warning("foreign line")
        pairpad_logging.log_access(method="GET", path="/api/x", status=204, ms=0.3)
    structured, foreign, access = lines(stderr)
    assert threading.current_thread().name not in stderr.writers
    # what only the calling thread knew still reaches the line
    assert structured["request_id"] == foreign["request_id"] == access["request_id"] == "abc"
    assert structured["level"] == "info" and structured["logger"] == "pairpad.test"
    assert access["event"] == "request" and access["logger"] == "pairpad.http"
    assert (access["method"], access["path"], access["status"]) == ("GET", "/api/x", 204)
    assert str(structured["timestamp"]).endswith("Z") and str(access["timestamp"]).endswith("Z")
