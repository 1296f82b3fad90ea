"""JSON log lines: the fields a collector needs (timestamp, level, event, logger, request and
user ids), the format setting, and no credential in any line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
import structlog

from pairpad.app import PairpadApp
from pairpad.telemetry import logging as pairpad_logging
from tests.conftest import TEST_HOST, TEST_TOKEN


@pytest.fixture
def stderr(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    pairpad_logging.configure_logging("info", json_logs=True)
    yield stream
    pairpad_logging.stop_logging()
    root.handlers[:], level = saved
    root.setLevel(level)
    structlog.reset_defaults()


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    pairpad_logging.stop_logging()  # flush the log thread
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_log_format_wins_over_log_json_and_the_mode_default() -> None:
    assert pairpad_logging.wants_json("json", False, None) is True
    assert pairpad_logging.wants_json("console", True, True) is False
    assert pairpad_logging.wants_json(None, False, True) is False
    assert pairpad_logging.wants_json(None, None, True) is True  # pairpad serve
    assert pairpad_logging.wants_json(None, None, None) is None  # pairpad open: TTY decides


def test_a_line_names_request_and_user_bound_in_the_context(stderr: io.StringIO) -> None:
    tokens = structlog.contextvars.bind_contextvars(request_id="r-1", user_id="u-1")
    try:
        structlog.get_logger("pairpad.test").info("did a thing")
        logging.getLogger("foreign").warning("stdlib line")
    finally:
        structlog.contextvars.reset_contextvars(**tokens)
    pairpad_logging.log_access("r-2", "u-2", method="GET", path="/api/x", status=200, ms=1.0)
    ours, foreign, access = lines(stderr)
    for line in (ours, foreign, access):
        assert {"timestamp", "level", "event", "logger"} <= set(line), line
    assert (ours["request_id"], ours["user_id"], ours["logger"]) == ("r-1", "u-1", "pairpad.test")
    assert (foreign["request_id"], foreign["user_id"]) == ("r-1", "u-1")
    assert (access["event"], access["request_id"], access["user_id"]) == ("request", "r-2", "u-2")


def test_credentials_never_reach_a_line(stderr: io.StringIO) -> None:
    secret = "s3cr3t-value-0123456789"
    log = structlog.get_logger("pairpad.test")
    log.info("login", password=secret, access_token=secret, Authorization=f"Bearer {secret}")
    logging.getLogger("foreign").info("cookie", extra={"cookie": f"session={secret}"})
    pairpad_logging.log_access("r-3", None, method="GET", path=f"/invite/{secret}", status=200,
                               ms=1.0)
    text = "\n".join(json.dumps(line) for line in lines(stderr))
    assert secret not in text
    assert "/invite/[redacted]" in text


async def test_requests_with_credentials_log_none_of_them(
    app: PairpadApp, stderr: io.StringIO,
) -> None:
    cookie = "pairpad_session=cookie-value-0123456789"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url=f"http://{TEST_HOST}") as http:
        answer = await http.get("/api/health", headers={
            "Authorization": f"Bearer {TEST_TOKEN}", "Cookie": cookie})
        assert answer.status_code == 200
        refused = await http.get("/api/files/tree", headers={
            "Authorization": "Bearer wrong-token-0123456789"})
        assert refused.status_code == 401
    logged = lines(stderr)
    text = "\n".join(json.dumps(line) for line in logged)
    assert [line["path"] for line in logged if line["event"] == "request"] == [
        "/api/health", "/api/files/tree"]
    for secret in (TEST_TOKEN, "cookie-value-0123456789", "wrong-token-0123456789"):
        assert secret not in text
