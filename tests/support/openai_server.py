"""A scripted OpenAI-compatible server on loopback (a thread), for what cannot run here.

It answers `GET /v1/models` with the models it was given, `POST /v1/chat/completions`
(streamed, SSE) with a scripted reply and `POST /v1/completions` (streamed when the body says
`stream: true`, else one JSON answer) with a scripted completion, and records every request's
method, path, headers and JSON body so tests can check what was sent where (the Authorization
header, the prompt, the stop list).

A stream can be made slow (`chunk_delay` between chunks, `header_delay` before the response
starts, as a server still evaluating the prompt); `StreamLog` then tells how many chunks were
actually written and whether the client went away: how a test proves that a cancel closed the
HTTP stream (a generating server notices the same way and stops).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# What a write to a socket the client closed raises (the first write after the close may still
# succeed: the kernel learns of it from the peer's reset).
GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


@dataclass
class StreamLog:
    """What a scripted stream did: chunks written, and whether the client disconnected."""

    written: int = 0  # chunks written (SSE events or NDJSON lines; [DONE] not counted)
    streams: int = 0  # streamed responses started
    finished: int = 0  # streamed responses written to the end
    disconnected: threading.Event = field(default_factory=threading.Event)

    def wait_disconnected(self, timeout: float) -> bool:
        return self.disconnected.wait(timeout)


def write_stream(handler: BaseHTTPRequestHandler, log: StreamLog, content_type: str,
                 chunks: list[bytes], end: bytes, *, delay: float, header_delay: float) -> None:
    """Writes a streamed answer (no Content-Length; the connection closes at the end), chunk by
    chunk with `delay` between them, noting in `log` what got out and whether the peer left.
    After `header_delay` a client that went away meanwhile is noticed too."""
    log.streams += 1
    handler.close_connection = True
    try:
        if header_delay:
            time.sleep(header_delay)
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Cache-Control", "no-cache")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.flush()
        for index, chunk in enumerate(chunks):
            if delay and index:
                time.sleep(delay)
            handler.wfile.write(chunk)
            handler.wfile.flush()
            log.written += 1
        handler.wfile.write(end)
        handler.wfile.flush()
        log.finished += 1
    except GONE:
        log.disconnected.set()


Turn = dict[str, Any]


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any = None


@dataclass
class ScriptedOpenAI:
    models: list[str] = field(default_factory=lambda: ["scripted-small", "scripted-large"])
    reply: str = "Hello from the scripted model."
    seen: list[Seen] = field(default_factory=list)
    base_url: str = ""
    # Like llama.cpp's server: `GET /props` tells this window, and a prompt over it (counted
    # as chars/4) is refused with llama.cpp's 400 — or, with overflow="silent", answered the
    # way llama-cpp-python's server does: an SSE stream with nothing but [DONE].
    n_ctx: int | None = None
    overflow: str = "error"
    # POST /v1/completions: the scripted text, in `completion_chunks` when given (each one SSE
    # event, so a test decides where a stop string is split) else in 16-character pieces.
    completion: str = "    return a + b"
    completion_chunks: list[str] | None = None
    completion_finish: str = "stop"  # the last event's finish_reason ("length", …)
    chunk_delay: float = 0.0  # seconds between streamed chunks (chat and completions)
    header_delay: float = 0.0  # seconds before a streamed response starts
    stream_log: StreamLog = field(default_factory=StreamLog)
    # Agent runs: one scripted turn per chat request, in order (then `reply` again). A turn is
    # {"text": str, "tool_calls": [{"name", "arguments": dict | str, "id"?}], "usage"?: {
    # "prompt_tokens", "completion_tokens"}} or a function of
    # the request body returning one (to answer from what the model was sent).
    turns: list[Turn | Callable[[dict[str, Any]], Turn]] = field(default_factory=list)

    def next_turn(self, body: dict[str, Any]) -> Turn | None:
        if not self.turns:
            return None
        turn = self.turns.pop(0)
        return turn(body) if callable(turn) else turn

    def chat_bodies(self) -> list[dict[str, Any]]:
        return self.bodies("/v1/chat/completions")

    def prompt_tokens(self, body: Any) -> int:
        messages = body.get("messages", []) if isinstance(body, dict) else []
        return sum(len(str(m.get("content", ""))) for m in messages) // 4

    def authorizations(self) -> list[str | None]:
        return [s.headers.get("authorization") for s in self.seen]

    def bodies(self, path: str = "/v1/completions") -> list[dict[str, Any]]:
        """The JSON bodies POSTed to `path`, in order."""
        return [s.body for s in self.seen
                if s.method == "POST" and s.path.rstrip("/") == path and isinstance(s.body, dict)]

    def pieces(self) -> list[str]:
        if self.completion_chunks is not None:
            return list(self.completion_chunks)
        return [self.completion[i:i + 16] for i in range(0, len(self.completion), 16)]


def _handler(script: ScriptedOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _record(self, body: Any = None) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            script.seen.append(Seen(self.command, self.path, headers, body))

        def _json(self, status: int, payload: Any) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._record()
            if self.path.rstrip("/") == "/props" and script.n_ctx is not None:
                self._json(200, {"default_generation_settings": {"n_ctx": script.n_ctx},
                                 "total_slots": 1})
            elif self.path.rstrip("/") == "/v1/models":
                self._json(200, {"object": "list", "data": [
                    {"id": m, "object": "model", "created": 0, "owned_by": "tests"}
                    for m in script.models]})
            else:
                self._json(404, {"error": {"message": f"no route {self.path}"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"null")
            self._record(body)
            if self.path.rstrip("/") == "/v1/completions":
                self._completions(body if isinstance(body, dict) else {})
                return
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._json(404, {"error": {"message": f"no route {self.path}"}})
                return
            model = body.get("model", "scripted") if isinstance(body, dict) else "scripted"
            turn = script.next_turn(body if isinstance(body, dict) else {})
            if turn is not None:
                self._turn(str(model), turn)
                return
            chunks = [script.reply[i:i + 16] for i in range(0, len(script.reply), 16)]
            if script.n_ctx is not None and script.prompt_tokens(body) > script.n_ctx:
                if script.overflow == "error":
                    self._json(400, {"error": {
                        "code": 400, "type": "exceed_context_size_error",
                        "message": "the request exceeds the available context size, try "
                                   "increasing it", "n_ctx": script.n_ctx,
                        "n_prompt_tokens": script.prompt_tokens(body)}})
                    return
                chunks = []
            events: list[dict[str, Any]] = [
                {"choices": [{"index": 0, "delta": {"content": c}, "finish_reason": None}]}
                for c in chunks]
            if chunks or script.n_ctx is None:
                events.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                               "usage": {"prompt_tokens": 10, "completion_tokens": len(chunks),
                                         "total_tokens": 10 + len(chunks)}})
            head = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0,
                    "model": model}
            lines = [f"data: {json.dumps({**head, **event})}\n\n".encode() for event in events]
            write_stream(self, script.stream_log, "text/event-stream", lines,
                         b"data: [DONE]\n\n", delay=script.chunk_delay,
                         header_delay=script.header_delay)

        def _turn(self, model: str, turn: Turn) -> None:
            """A scripted turn: its text in pieces, then its tool calls (each as a first
            delta with id and name, then its arguments in two pieces, as OpenAI streams)."""
            text = str(turn.get("text") or "")
            events: list[dict[str, Any]] = [
                {"choices": [{"index": 0, "delta": {"content": text[i:i + 16]},
                              "finish_reason": None}]} for i in range(0, len(text), 16)]
            calls = list(turn.get("tool_calls") or [])
            for index, call in enumerate(calls):
                arguments = call.get("arguments", {})
                raw = arguments if isinstance(arguments, str) else json.dumps(arguments)
                cut = len(raw) // 2
                first = {"index": index, "type": "function",
                         "id": call.get("id", f"call_{index}_{len(script.seen)}"),
                         "function": {"name": call["name"], "arguments": raw[:cut]}}
                events.append({"choices": [{"index": 0, "finish_reason": None,
                                            "delta": {"tool_calls": [first]}}]})
                events.append({"choices": [{"index": 0, "finish_reason": None, "delta": {
                    "tool_calls": [{"index": index, "function": {"arguments": raw[cut:]}}]}}]})
            finish = "tool_calls" if calls else "stop"
            usage = turn.get("usage") or {"prompt_tokens": 100, "completion_tokens": 10}
            events.append({"choices": [{"index": 0, "delta": {}, "finish_reason": finish}],
                           "usage": {**usage, "total_tokens": sum(usage.values())}})
            head = {"id": "chatcmpl-t", "object": "chat.completion.chunk", "created": 0,
                    "model": model}
            lines = [f"data: {json.dumps({**head, **event})}\n\n".encode() for event in events]
            write_stream(self, script.stream_log, "text/event-stream", lines,
                         b"data: [DONE]\n\n", delay=script.chunk_delay,
                         header_delay=script.header_delay)

        def _completions(self, body: dict[str, Any]) -> None:
            model = str(body.get("model", "scripted"))
            pieces = script.pieces()
            usage = {"prompt_tokens": len(str(body.get("prompt", ""))) // 4,
                     "completion_tokens": len(pieces),
                     "total_tokens": len(str(body.get("prompt", ""))) // 4 + len(pieces)}
            base = {"id": "cmpl-1", "object": "text_completion", "created": 0, "model": model}
            if not body.get("stream"):
                self._json(200, {**base, "choices": [{
                    "index": 0, "text": "".join(pieces), "logprobs": None,
                    "finish_reason": script.completion_finish}], "usage": usage})
                return
            events: list[dict[str, Any]] = [
                {**base, "choices": [{"index": 0, "text": piece, "logprobs": None,
                                      "finish_reason": None}]} for piece in pieces]
            events.append({**base, "choices": [{"index": 0, "text": "", "logprobs": None,
                                                "finish_reason": script.completion_finish}]})
            if (body.get("stream_options") or {}).get("include_usage"):
                events.append({**base, "choices": [], "usage": usage})
            write_stream(self, script.stream_log, "text/event-stream",
                         [f"data: {json.dumps(e)}\n\n".encode() for e in events],
                         b"data: [DONE]\n\n", delay=script.chunk_delay,
                         header_delay=script.header_delay)

    return Handler


@contextmanager
def scripted_openai(**kwargs: Any) -> Iterator[ScriptedOpenAI]:
    """Runs a ScriptedOpenAI on 127.0.0.1 (free port) for the `with` block."""
    script = ScriptedOpenAI(**kwargs)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    server.daemon_threads = True
    script.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield script
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
