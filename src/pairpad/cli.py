"""`pairpad open|version` (chat, models, serve, bench land with their issues)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from pairpad import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pairpad", description="Pairpad, an AI IDE.")
    commands = parser.add_subparsers(dest="command", required=True)

    open_cmd = commands.add_parser("open", help="Serve a folder in the browser (local mode).")
    open_cmd.add_argument("path", nargs="?", default=".", help="Workspace folder (default: .)")
    open_cmd.add_argument("--host", default=None, help="Bind address (default 127.0.0.1).")
    open_cmd.add_argument("--port", type=int, default=None, help="Port; 0 or busy picks a free one.")
    open_cmd.add_argument("--no-browser", action="store_true", help="Do not open a browser.")
    open_cmd.add_argument("--token", default=None, help="Access token (env PAIRPAD_TOKEN).")

    commands.add_parser("version", help="Print the version.")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "version":
        print(f"pairpad {__version__}")
        return 0
    if args.command == "open":
        return _open(args)
    return 2  # pragma: no cover - argparse rejects unknown commands


def _open(args: argparse.Namespace) -> int:
    from pairpad.config import Settings
    from pairpad.server import serve
    from pairpad.telemetry.logging import configure_logging

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
    configure_logging(settings.log_level, settings.log_json)
    try:
        asyncio.run(serve(settings, announce=lambda line: print(line, flush=True)))
    except KeyboardInterrupt:
        pass  # uvicorn already shut down cleanly; Ctrl+C is a normal way to stop
    return 0


if __name__ == "__main__":  # pragma: no cover
    os._exit(main())
