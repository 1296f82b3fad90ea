"""The baseline of bench/api.py: a bare FastAPI route that reads the same 1 KiB file and
returns the same JSON as `GET /api/files/content`, served by uvicorn exactly as Pairpad is
(`pairpad.server.uvicorn_options`, `Server.serve` inside `asyncio.run`).

python bench/_bare_api.py ROOT  → prints `listening on PORT`, serves until SIGINT/SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import signal
import sys
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from pairpad.config import Settings
from pairpad.server import bind_socket, uvicorn_options


def bare_app(root: Path) -> FastAPI:
    app = FastAPI()

    @app.get("/api/files/content")
    async def content(path: str) -> dict[str, object]:
        data = (root / path).read_bytes()
        return {
            "path": path,
            "content": data.decode("utf-8"),
            "etag": hashlib.sha256(data).hexdigest(),
            "encoding": "utf-8",
            "eol": "lf",
            "language": "plaintext",
            "size": len(data),
        }

    return app


async def main(root: Path) -> None:
    sock = bind_socket("127.0.0.1", 0)
    options = uvicorn_options(Settings.model_fields["header_timeout"].default)
    server = uvicorn.Server(uvicorn.Config(bare_app(root), **options))
    print(f"listening on {sock.getsockname()[1]}", flush=True)
    await server.serve(sockets=[sock])


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(Path(sys.argv[1])))
