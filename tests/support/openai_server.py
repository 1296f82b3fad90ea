"""A scripted OpenAI-compatible server on loopback (a thread), for what cannot run here.

It answers `GET /v1/models` with the models it was given and `POST /v1/chat/completions`
(streamed, SSE) with a scripted reply, and records every request's method, path and headers so
tests can check what was sent where (the Authorization header above all).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


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

    def prompt_tokens(self, body: Any) -> int:
        messages = body.get("messages", []) if isinstance(body, dict) else []
        return sum(len(str(m.get("content", ""))) for m in messages) // 4

    def authorizations(self) -> list[str | None]:
        return [s.headers.get("authorization") for s in self.seen]


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
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._json(404, {"error": {"message": f"no route {self.path}"}})
                return
            model = body.get("model", "scripted") if isinstance(body, dict) else "scripted"
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
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            for event in events:
                payload = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0,
                           "model": model, **event}
                self.wfile.write(f"data: {json.dumps(payload)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

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
