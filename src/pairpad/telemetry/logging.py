"""Structured logs (structlog): JSON (one object a line) or console, a request id on
every line of a request and the user id once known (team mode); credentials redacted.

A log call on the event loop only captures its fields and queues the record; a thread
renders them (timestamps, JSON, tracebacks) and writes them in batches, so a busy server
does not spend its loop formatting access-log lines or waiting on a slow stderr.
"""

from __future__ import annotations

import atexit
import collections
import logging
import re
import sys
import threading
import time
from datetime import UTC, datetime
from typing import Any, TextIO, cast

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

_CONTEXT = "_pairpad_context"
_writer: _LogWriter | None = None
REDACTED = "[redacted]"
# Fields whose value is a credential, whoever logs them (lower-cased names).
SECRET_FIELDS = frozenset({
    "authorization", "cookie", "set-cookie", "set_cookie", "token", "access_token",
    "refresh_token", "id_token", "password", "secret", "api_key", "client_secret",
    "x-xsrf-token", "xsrf", "mfa_token", "recovery_code",
})
# Paths that carry a token in a segment (the team UI's invitation link).
_SECRET_PATH = re.compile(r"^(/invite/)[^/?#]+")


def wants_json(log_format: str | None, log_json: bool | None, default: bool | None
               ) -> bool | None:
    """`log_format` ("json" | "console") wins, then the older `log_json`, then `default`
    (None: JSON when stderr is not a TTY)."""
    if log_format is not None:
        return log_format == "json"
    return log_json if log_json is not None else default


def redact(_logger: WrappedLogger, _name: str, event: EventDict) -> EventDict:
    """No credential reaches a log line: secret-named fields and tokens in paths are
    replaced (runs in the log thread, costs the event loop nothing)."""
    for key in [k for k in event if k.lower() in SECRET_FIELDS]:
        event[key] = REDACTED
    path = event.get("path")
    if isinstance(path, str) and path.startswith("/invite/"):
        event["path"] = _SECRET_PATH.sub(rf"\g<1>{REDACTED}", path)
    return event


class _LogWriter:
    """The log thread: every `interval` it renders what was queued and writes it in one go.

    It wakes on a timer rather than per record: waking a thread for each line (a futex and
    a GIL hand-off per request) cost more than rendering the line. Queueing is a deque
    append, safe from any thread.
    """

    def __init__(self, handler: logging.Handler, renderer: Processor, interval: float = 0.05):
        self.handler = handler
        self.renderer = renderer
        self.interval = interval
        self.pending: collections.deque[logging.LogRecord | _AccessLine] = collections.deque()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pairpad-log", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.flush()
        self.flush()

    def flush(self) -> None:
        out: list[str] = []
        while self.pending:
            item = self.pending.popleft()
            try:
                out.append(self._render(item))
            except Exception:  # a line that cannot be rendered must not stop the others
                out.append(f"unrenderable log line: {item!r}")
        if out:
            stream = cast(logging.StreamHandler[TextIO], self.handler).stream
            stream.write("\n".join(out) + "\n")
            stream.flush()

    def _render(self, item: logging.LogRecord | _AccessLine) -> str:
        if isinstance(item, _AccessLine):
            return str(self.renderer(None, "info", redact(None, "info", item.event())))
        return self.handler.format(item)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


class _AccessLine:
    """An access-log line as captured on the event loop: no LogRecord, no formatting yet."""

    __slots__ = ("context", "created", "fields")

    def __init__(self, fields: dict[str, Any], context: dict[str, Any]) -> None:
        self.created = time.time()
        self.fields = fields
        self.context = context

    def event(self) -> dict[str, Any]:
        moment = datetime.fromtimestamp(self.created, UTC).isoformat().replace("+00:00", "Z")
        return {
            **self.fields, "event": "request", **self.context,
            "level": "info", "logger": "pairpad.http", "timestamp": moment,
        }  # fmt: skip


class _QueueingHandler(logging.Handler):
    """Queues the record as it is: the formatter runs in the log thread. What only the
    calling thread knows (the request id in its contextvars) is captured here."""

    def __init__(self, writer: _LogWriter) -> None:
        super().__init__()
        self.writer = writer

    def emit(self, record: logging.LogRecord) -> None:
        if not hasattr(record, "_logger"):  # a stdlib (foreign) record, e.g. uvicorn's
            record.__dict__[_CONTEXT] = structlog.contextvars.get_contextvars()
        self.writer.pending.append(record)


_fallback_access_log = structlog.get_logger("pairpad.http")
_ROOT_LOGGER = logging.getLogger()


def log_access(request_id: str | None = None, user_id: str | None = None,
               **fields: Any) -> None:
    """The per-request line. Once configured it skips structlog and stdlib logging on the
    event loop: the fields and the request id are queued, the log thread renders them.

    The request id is passed by the request middleware (copying the context to find it cost
    ~1 µs a request); without one, the bound context vars are captured as for any line.
    """
    writer = _writer
    if user_id is not None:
        fields["user_id"] = user_id
    if writer is None:
        if request_id is not None:
            fields["request_id"] = request_id
        _fallback_access_log.info("request", **fields)
    elif _ROOT_LOGGER.isEnabledFor(logging.INFO):
        context = (
            structlog.contextvars.get_contextvars()
            if request_id is None
            else {"request_id": request_id}
        )
        writer.pending.append(_AccessLine(fields, context))


def _current_exc_info(_logger: WrappedLogger, _name: str, event: EventDict) -> EventDict:
    # `log.exception(...)` means "the exception being handled": only this thread knows it.
    if event.get("exc_info") is True:
        event["exc_info"] = sys.exc_info()
    return event


def _foreign_context(_logger: WrappedLogger, _name: str, event: EventDict) -> EventDict:
    context: dict[str, Any] = getattr(event.get("_record"), _CONTEXT, {})
    for key, value in context.items():
        event.setdefault(key, value)
    return event


def _record_time(_logger: WrappedLogger, _name: str, event: EventDict) -> EventDict:
    record = event.get("_record")
    if record is not None:  # when it was logged, not when the thread got to it
        moment = datetime.fromtimestamp(record.created, UTC)
        event["timestamp"] = moment.isoformat().replace("+00:00", "Z")
    return event


def configure_logging(level: str = "info", json_logs: bool | None = None) -> None:
    global _writer
    if json_logs is None:
        json_logs = not sys.stderr.isatty()
    renderer: Processor = (
        structlog.processors.JSONRenderer() if json_logs else structlog.dev.ConsoleRenderer()
    )
    # JSON has no place for a traceback object: render it as text ("exception"); the
    # console renderer prints tracebacks itself.
    tracebacks: list[Processor] = [structlog.processors.format_exc_info] if json_logs else []
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            _current_exc_info,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[_foreign_context],
            processors=[
                structlog.stdlib.add_log_level,
                structlog.stdlib.add_logger_name,
                _record_time,
                redact,
                *tracebacks,
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                renderer,
            ],
        )
    )
    stop_logging()
    _writer = _LogWriter(handler, renderer)
    root = logging.getLogger()
    root.handlers[:] = [_QueueingHandler(_writer)]
    root.setLevel(level.upper())
    # uvicorn's own access log would duplicate ours, without the request id.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


def stop_logging() -> None:
    """Write out what is queued and stop the log thread (at exit, or before reconfiguring)."""
    global _writer
    if _writer is not None:
        _writer.stop()
        _writer = None


atexit.register(stop_logging)
