"""A scripted Ollama server on loopback (a thread), in the style of `openai_server.py`.

It speaks Ollama's native API as documented: `GET /api/version`, `GET /api/tags` (the models it
was given), `POST /api/show` (a model's `model_info` with its trained context length) and
`POST /api/generate`, streamed as NDJSON (`{"response": …, "done": false}` lines, then one
`{"done": true, "done_reason": …}` with the counts) or one JSON object with `stream: false`.
Every request's JSON body is recorded (the prompt, `suffix`, `raw`, `options.stop`, …).
A model in `no_insert` stands for one whose template has no `.Suffix`: a non-empty `suffix` for
it is answered as Ollama does, 400 "… does not support insert".

`chunk_delay` / `header_delay` make the stream slow and `stream_log` (the same `StreamLog` as the
OpenAI one) tells how many lines got out and whether the client went away.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.openai_server import Seen, StreamLog, write_stream


@dataclass
class ScriptedOllama:
    models: list[str] = field(default_factory=lambda: ["qwen2.5-coder:7b", "llama3.2:latest"])
    # POST /api/generate: the scripted text, in `chunks` when given (one NDJSON line each) else
    # in 8-character pieces; the final line's done_reason.
    completion: str = "    return a + b"
    chunks: list[str] | None = None
    done_reason: str = "stop"
    context_length: int = 32768  # /api/show's "<arch>.context_length" (the trained window)
    num_ctx: int | None = None  # /api/show's parameters: the Modelfile's num_ctx, when set
    no_insert: set[str] = field(default_factory=set)
    chunk_delay: float = 0.0
    header_delay: float = 0.0
    seen: list[Seen] = field(default_factory=list)
    stream_log: StreamLog = field(default_factory=StreamLog)
    base_url: str = ""

    def pieces(self) -> list[str]:
        if self.chunks is not None:
            return list(self.chunks)
        return [self.completion[i:i + 8] for i in range(0, len(self.completion), 8)]

    def bodies(self, path: str = "/api/generate") -> list[dict[str, Any]]:
        """The JSON bodies POSTed to `path`, in order."""
        return [s.body for s in self.seen
                if s.method == "POST" and s.path.rstrip("/") == path and isinstance(s.body, dict)]


def _handler(script: ScriptedOllama) -> type[BaseHTTPRequestHandler]:
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
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._record()
            path = self.path.rstrip("/")
            if path == "/api/version":
                self._json(200, {"version": "0.12.0"})
            elif path == "/api/tags":
                self._json(200, {"models": [
                    {"name": m, "model": m, "modified_at": "2026-01-01T00:00:00Z",
                     "size": 4683087332, "digest": "0" * 64,
                     "details": {"format": "gguf", "family": "qwen2"}}
                    for m in script.models]})
            else:
                self._json(404, {"error": f"no route {self.path}"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"null")
            self._record(body)
            body = body if isinstance(body, dict) else {}
            path = self.path.rstrip("/")
            model = str(body.get("model", ""))
            if path in ("/api/show", "/api/generate") and model not in script.models:
                self._json(404, {"error": f"model '{model}' not found"})
            elif path == "/api/show":
                parameters = f"num_ctx {script.num_ctx}" if script.num_ctx else ""
                self._json(200, {"details": {"family": "qwen2"}, "parameters": parameters,
                                 "model_info": {"general.architecture": "qwen2",
                                                "qwen2.context_length": script.context_length}})
            elif path == "/api/generate":
                self._generate(body, model)
            else:
                self._json(404, {"error": f"no route {self.path}"})

        def _generate(self, body: dict[str, Any], model: str) -> None:
            if body.get("suffix") and model in script.no_insert:
                self._json(400, {"error": f"registry.ollama.ai/library/{model} does not "
                                          "support insert"})
                return
            pieces = script.pieces()
            done = {"model": model, "created_at": "2026-01-01T00:00:00Z", "response": "",
                    "done": True, "done_reason": script.done_reason,
                    "total_duration": 1000, "prompt_eval_count": len(str(body.get("prompt"))) // 4,
                    "eval_count": len(pieces)}
            if body.get("stream") is False:
                self._json(200, {**done, "response": "".join(pieces)})
                return
            lines = [json.dumps({"model": model, "created_at": "2026-01-01T00:00:00Z",
                                 "response": piece, "done": False}).encode() + b"\n"
                     for piece in pieces]
            write_stream(self, script.stream_log, "application/x-ndjson", lines,
                         json.dumps(done).encode() + b"\n", delay=script.chunk_delay,
                         header_delay=script.header_delay)

    return Handler


@contextmanager
def scripted_ollama(**kwargs: Any) -> Iterator[ScriptedOllama]:
    """Runs a ScriptedOllama on 127.0.0.1 (free port) for the `with` block."""
    script = ScriptedOllama(**kwargs)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    server.daemon_threads = True
    script.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield script
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
