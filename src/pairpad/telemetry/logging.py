"""Structured logs (structlog): JSON when not a TTY, a request id on every line.

A log call on the event loop only captures its fields and puts the record on a queue; a
thread renders it (timestamps, JSON, tracebacks) and writes it, so a busy server does not
spend its loop formatting access-log lines or waiting on a slow stderr.
"""

from __future__ import annotations

import atexit
import logging
import logging.handlers
import queue
import sys
from datetime import UTC, datetime
from typing import Any

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

_CONTEXT = "_pairpad_context"
_listener: logging.handlers.QueueListener | None = None


class _DeferredQueueHandler(logging.handlers.QueueHandler):
    """Queues the record as it is: the formatter runs in the listener thread. What only the
    calling thread knows (the request id in its contextvars) is captured here."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        if not hasattr(record, "_logger"):  # a stdlib (foreign) record, e.g. uvicorn's
            record.__dict__[_CONTEXT] = structlog.contextvars.get_contextvars()
        return record


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
    global _listener
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
                *tracebacks,
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                renderer,
            ],
        )
    )
    stop_logging()
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    _listener = logging.handlers.QueueListener(records, handler)
    _listener.start()
    root = logging.getLogger()
    root.handlers[:] = [_DeferredQueueHandler(records)]
    root.setLevel(level.upper())
    # uvicorn's own access log would duplicate ours, without the request id.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


def stop_logging() -> None:
    """Write out what is queued and stop the log thread (at exit, or before reconfiguring)."""
    global _listener
    if _listener is not None:
        _listener.stop()
        _listener = None


atexit.register(stop_logging)
