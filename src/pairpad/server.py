"""Run the app on uvicorn: pick a port, announce the URL, write the runtime file, stop cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import gc
import json
import os
import socket
import webbrowser
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import structlog
import uvicorn
from starlette.types import ASGIApp

from pairpad.accounts.settings import TeamSettings
from pairpad.app import create_app
from pairpad.auth.local_token import load_or_create_token
from pairpad.config import Settings
from pairpad.header_timeout import header_timeout_protocol

log = structlog.get_logger("pairpad.server")


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind host:port; a busy port (or 0) falls back to a free one chosen by the OS."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # An explicit IPPROTO_TCP: asyncio only sets TCP_NODELAY on accepted connections when the
    # listening socket says so; without it every reused connection stalls ~40 ms (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            sock.close()
            raise
        sock.bind((host, 0))
    sock.set_inheritable(True)
    return sock


def public_url(host: str, port: int, token: str | None) -> str:
    """The URL to print: with local mode's token, or without (team mode)."""
    shown = "127.0.0.1" if host in {"0.0.0.0", ""} else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/" + (f"?token={token}" if token is not None else "")


def write_runtime_file(directory: Path, url: str, token: str, workspace: Path) -> Path:
    """0600 from the first byte: the file holds the token."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = runtime_file_path(directory)
    payload = json.dumps(
        {"url": url, "token": token, "pid": os.getpid(), "workspace": str(workspace)}
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(payload)
    os.chmod(path, 0o600)
    return path


def runtime_file_path(directory: Path) -> Path:
    return directory / f"server-{os.getpid()}.json"


def uvicorn_options(header_timeout: float) -> dict[str, Any]:
    """The uvicorn settings of every Pairpad server (bench/api.py runs its baseline on them)."""
    return {
        "log_config": None,
        "access_log": False,  # ours carries the request id (telemetry/requests.py)
        "timeout_graceful_shutdown": 3,
        "timeout_keep_alive": 5,  # an idle keep-alive connection is closed after 5 s
        "http": header_timeout_protocol(header_timeout),  # and one that never ends its headers
    }


async def serve(settings: Settings, announce: Callable[[str], None] = print) -> None:
    if settings.token is None:
        token = await asyncio.to_thread(load_or_create_token, settings.data_dir / "token")
        settings = settings.model_copy(update={"token": token})
    app = create_app(settings)
    sock = bind_socket(settings.host, settings.port)
    url = public_url(settings.host, sock.getsockname()[1], app.token)

    async def started() -> None:
        write_runtime_file(settings.runtime_dir, url, app.token, settings.workspace)
        announce(f"Pairpad is running at {url}")
        if settings.open_browser:
            await asyncio.to_thread(webbrowser.open, url)

    try:
        await _run(app, sock, settings.header_timeout, started)
    finally:
        runtime_file_path(settings.runtime_dir).unlink(missing_ok=True)


async def serve_team(settings: Settings, team_settings: TeamSettings,
                     announce: Callable[[str], None] = print) -> None:
    """`pairpad serve`: the team app on `settings.host:port` (0: a free port)."""
    sock = bind_socket(settings.host, settings.port)
    url = public_url(settings.host, sock.getsockname()[1], None)
    if team_settings.public_url is None:
        # Browsers reach this instance at its own address; the tokens' issuer stays one name
        # every instance shares (else each would refuse the others' sign-ins).
        team_settings = team_settings.model_copy(
            update={"public_url": url, "token_issuer": team_settings.token_issuer or "pairpad"})
    from pairpad.team.app import create_team_app  # local mode never loads team mode

    async def started() -> None:
        announce(f"Pairpad is running at {url}")

    await _run(create_team_app(settings, team_settings), sock, settings.header_timeout, started)


async def _run(app: ASGIApp, sock: socket.socket, header_timeout: float,
               started: Callable[[], Awaitable[None]]) -> None:
    """uvicorn on `sock` until it stops; `started` once it accepts requests."""
    server = uvicorn.Server(uvicorn.Config(app, **uvicorn_options(header_timeout)))

    async def when_started() -> None:
        while not server.started:
            if server.should_exit:
                return
            await asyncio.sleep(0.02)
        # Everything built at start-up (modules, models, routes) lives as long as the server:
        # moved out of the collector's view, it is not traversed again by every collection
        # the request traffic triggers.
        gc.freeze()
        await started()

    announcer = asyncio.create_task(when_started())
    try:
        await server.serve(sockets=[sock])
    finally:
        announcer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await announcer
        sock.close()
