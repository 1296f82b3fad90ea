"""`pairpad open|serve|chat|models|version` (and `admin`, `audit`)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from pairpad import __version__
from pairpad.cli_admin import add_admin_parser, run_admin
from pairpad.cli_audit import add_audit_parser, run_audit


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pairpad", description="Pairpad, an AI IDE.")
    commands = parser.add_subparsers(dest="command", required=True)

    open_cmd = commands.add_parser("open", help="Serve a folder in the browser (local mode).")
    open_cmd.add_argument("path", nargs="?", default=".", help="Workspace folder (default: .)")
    open_cmd.add_argument("--host", default=None, help="Bind address (default 127.0.0.1).")
    open_cmd.add_argument(
        "--port", type=int, default=None, help="Port; 0 or busy picks a free one."
    )
    open_cmd.add_argument("--no-browser", action="store_true", help="Do not open a browser.")
    open_cmd.add_argument("--token", default=None, help="Access token (env PAIRPAD_TOKEN).")

    serve_cmd = commands.add_parser(
        "serve", help="Serve teams from a database (team mode: accounts, roles, workspaces).")
    serve_cmd.add_argument("--database-url", default=os.environ.get("PAIRPAD_DATABASE_URL"),
                           help="postgresql+asyncpg://… (or sqlite+aiosqlite:///…); env "
                           "PAIRPAD_DATABASE_URL.")
    serve_cmd.add_argument("--redis-url", default=os.environ.get("PAIRPAD_REDIS_URL"),
                           help="redis://… (env PAIRPAD_REDIS_URL).")
    serve_cmd.add_argument("--workspaces", type=Path, default=None,
                           help="Folder holding the team workspaces (env PAIRPAD_WORKSPACES).")
    serve_cmd.add_argument("--host", default=None, help="Bind address (default 127.0.0.1).")
    serve_cmd.add_argument("--port", type=int, default=None, help="Port; 0 picks a free one.")
    serve_cmd.add_argument("--public-url", default=None,
                           help="The URL browsers use (https://… for Secure cookies, passkeys "
                           "and OAuth redirects); default http://HOST:PORT/.")
    serve_cmd.add_argument("--language-servers", action="store_true",
                           help="Run language servers in team workspaces (they run unsandboxed "
                           "as the server's user: only when every team is trusted).")
    serve_cmd.add_argument("--data-dir", type=Path, default=None,
                           help="Indexes and checkpoints of the workspaces (default: the "
                           "user data dir).")

    add_admin_parser(commands)
    add_audit_parser(commands)

    commands.add_parser("version", help="Print the version.")

    chat_cmd = commands.add_parser("chat", help="Ask the AI; streams the answer (running or "
                                   "embedded server).")
    chat_cmd.add_argument("question", help="What to ask.")
    chat_cmd.add_argument("--file", type=Path, default=None, help="Include this file as context.")
    chat_cmd.add_argument("--model", default=None, help="provider:model (default: the chat role).")
    chat_cmd.add_argument("--max-tokens", type=int, default=None, help="Answer length cap.")
    chat_cmd.add_argument("--local", action="store_true",
                          help="Do not use a running server; run the chat in this process.")

    models_cmd = commands.add_parser("models", help="Roles, providers and their models.")
    models_cmd.add_argument("--json", action="store_true", help="Machine-readable output.")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "version":
        print(f"pairpad {__version__}")
        return 0
    if args.command == "open":
        return _open(args)
    if args.command == "serve":
        return _serve(args)
    if args.command == "admin":
        return run_admin(args)
    if args.command == "audit":
        return run_audit(args)
    if args.command in ("chat", "models"):
        return _ai_command(args)
    return 2  # pragma: no cover - argparse rejects unknown commands


def _open(args: argparse.Namespace) -> int:
    from pairpad.config import Settings
    from pairpad.server import serve
    from pairpad.telemetry.logging import configure_logging, stop_logging, wants_json

    workspace = Path(args.path).expanduser()
    if not workspace.is_dir():
        print(f"pairpad: {workspace} is not a folder", file=sys.stderr)
        return 2
    overrides: dict[str, object] = {"workspace": workspace}
    if args.host is not None:
        overrides["host"] = args.host
    if args.port is not None:
        overrides["port"] = args.port
    if args.token is not None:
        overrides["token"] = args.token
    if args.no_browser:
        overrides["open_browser"] = False
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        print(f"pairpad: invalid settings:\n{error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level,
                      wants_json(settings.log_format, settings.log_json, default=None))
    # uvicorn shuts down gracefully on SIGINT/SIGTERM, then re-raises the signal; make
    # SIGTERM end the same quiet way as Ctrl+C instead of killing us with status -15.
    signal.signal(signal.SIGTERM, _interrupt)
    # uvicorn already shut down cleanly when Ctrl+C reaches us; it is a normal way to stop.
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(settings, announce=lambda line: print(line, flush=True)))
    finally:
        stop_logging()  # the last lines (shutdown, a crash's traceback) reach stderr
    return 0


def _serve(args: argparse.Namespace) -> int:
    from pairpad.accounts.oauth_config import OAuthConfigError, providers_from_env
    from pairpad.accounts.settings import TeamSettings
    from pairpad.config import Settings
    from pairpad.server import serve_team
    from pairpad.telemetry.logging import configure_logging, stop_logging, wants_json

    workspaces = args.workspaces or os.environ.get("PAIRPAD_WORKSPACES")
    if not args.database_url or not workspaces:
        print("pairpad serve: --database-url and --workspaces are required "
              "(or PAIRPAD_DATABASE_URL and PAIRPAD_WORKSPACES)", file=sys.stderr)
        return 2
    overrides: dict[str, object] = {"open_browser": False}
    for key in ("host", "port", "data_dir"):
        if getattr(args, key) is not None:
            overrides[key] = getattr(args, key)
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
        team = TeamSettings(database_url=args.database_url, redis_url=args.redis_url,
                            workspaces_dir=Path(workspaces).expanduser().resolve(),
                            public_url=args.public_url, oauth=providers_from_env(os.environ),
                            language_servers=args.language_servers)
    except (ValidationError, OAuthConfigError) as error:
        print(f"pairpad: invalid settings:\n{error}", file=sys.stderr)
        return 2
    problem = _database_url_problem(team.database_url)
    if problem:
        print(f"pairpad serve: --database-url: {problem}", file=sys.stderr)
        return 2
    # A server's logs go to a collector: JSON unless asked otherwise.
    configure_logging(settings.log_level,
                      wants_json(settings.log_format, settings.log_json, default=True))
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve_team(settings, team, announce=lambda line: print(line, flush=True)))
    finally:
        stop_logging()
    return 0


def _database_url_problem(url: str) -> str | None:
    from sqlalchemy.exc import ArgumentError

    from pairpad.storage.db import Database

    try:
        Database.for_url(url)  # no connection yet: only the URL is checked
    except (ValueError, ArgumentError) as error:
        return str(error)
    return None


def _ai_command(args: argparse.Namespace) -> int:
    from pairpad.cli_chat import run_chat, run_models
    from pairpad.telemetry.logging import configure_logging

    configure_logging("warning", None)  # the answer owns the terminal
    if args.command == "models":
        return run_models(args.json)
    return run_chat(args.question, args.file, args.model, args.max_tokens, args.local)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":  # pragma: no cover
    os._exit(main())
