"""`pairpad admin --database-url URL create-user|reset-password|list-users`: accounts of a
team-mode deployment, managed from a shell on the server (the first admin, a locked-out user).

The database is migrated first (a new deployment can start with `create-user`). Passwords
come from stdin only (`--password-stdin`), never from argv, which other users of the machine
can read in the process list and which shells keep in their history. Exit codes: 0 done,
1 refused (an account exists / none has that email / the database is unreachable), 2 bad
input (a weak password, an invalid email, a missing option).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from pairpad.accounts.service import UserInfo

EXIT_REFUSED = 1
EXIT_USAGE = 2


def add_admin_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    admin = commands.add_parser("admin", help="Manage the accounts of a team deployment.")
    admin.add_argument("--database-url", default=os.environ.get("PAIRPAD_DATABASE_URL"),
                       help="postgresql+asyncpg://… (or sqlite+aiosqlite:///…); env "
                       "PAIRPAD_DATABASE_URL.")
    actions = admin.add_subparsers(dest="admin_command", required=True)
    create = actions.add_parser("create-user", help="Create an account.", allow_abbrev=False)
    create.add_argument("email")
    create.add_argument("--admin", action="store_true", help="A server administrator.")
    create.add_argument("--display-name", default="", help="The name shown to teammates.")
    create.add_argument("--verified", action="store_true",
                        help="Mark the email as verified (you know it is theirs).")
    _password_option(create)
    reset = actions.add_parser("reset-password", allow_abbrev=False,
                               help="Set a new password; signs the account out everywhere.")
    reset.add_argument("email")
    _password_option(reset)
    listing = actions.add_parser("list-users", help="List the accounts.")
    listing.add_argument("--json", action="store_true", help="One JSON array.")


def _password_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--password-stdin", action="store_true", required=True,
                        help="Read the password from stdin (its first line); never an "
                        "argument, which the process list shows.")
    # Only to refuse it with the reason (else argparse reads it as --password-stdin).
    parser.add_argument("--password", help=argparse.SUPPRESS)


def read_password(stream: TextIO) -> str:
    """The first line of stdin without its line ending (spaces inside are kept)."""
    return stream.readline().removesuffix("\n").removesuffix("\r")


def run_admin(args: argparse.Namespace, stdin: TextIO = sys.stdin,
              stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr) -> int:
    # Imported here: `pairpad open` builds this parser too, and needs none of it.
    from pydantic import ValidationError
    from sqlalchemy.exc import SQLAlchemyError

    from pairpad.errors import PairpadError, Unprocessable

    if getattr(args, "password", None) is not None:
        print("pairpad admin: a password is never an argument (the process list and the "
              "shell history show it): pipe it in with --password-stdin", file=stderr)
        return EXIT_USAGE
    if not args.database_url:
        print("pairpad admin: --database-url is required (or PAIRPAD_DATABASE_URL)",
              file=stderr)
        return EXIT_USAGE
    password = read_password(stdin) if getattr(args, "password_stdin", False) else None
    try:
        return asyncio.run(_run(args, password, stdout))
    except Unprocessable as error:  # a weak password, an invalid email
        print(f"pairpad admin: {error.detail}", file=stderr)
        return EXIT_USAGE
    except (PairpadError, ValueError, ValidationError) as error:
        detail = error.detail if isinstance(error, PairpadError) else str(error)
        print(f"pairpad admin: {detail}", file=stderr)
        return EXIT_REFUSED
    except (OSError, SQLAlchemyError) as error:  # the database server is not reachable
        print(f"pairpad admin: database error: {error}", file=stderr)
        return EXIT_REFUSED


async def _run(args: argparse.Namespace, password: str | None, stdout: TextIO) -> int:
    from pairpad.accounts.service import AccountService
    from pairpad.accounts.settings import TeamSettings
    from pairpad.storage.db import Database

    db = Database.for_url(args.database_url)
    try:
        await db.migrate()
        # The account service needs no workspaces folder: accounts only.
        accounts = AccountService(db, TeamSettings(database_url=args.database_url,
                                                   workspaces_dir=Path.cwd()))
        if args.admin_command == "create-user":
            user = await accounts.create_user(
                args.email, password or "", display_name=args.display_name,
                is_admin=args.admin, email_verified=args.verified)
            print(f"Created {user.email} ({user.id}){' as an admin' if user.is_admin else ''}.",
                  file=stdout)
        elif args.admin_command == "reset-password":
            await accounts.reset_password_admin(args.email, password or "")
            print(f"New password set for {args.email.strip().lower()}; its sessions are "
                  "signed out.", file=stdout)
        else:
            _print_users(await accounts.list_users(), args.json, stdout)
        return 0
    finally:
        await db.dispose()


def _print_users(users: list[UserInfo], as_json: bool, stdout: TextIO) -> None:
    if as_json:
        print(json.dumps([{"id": u.id, "email": u.email, "display_name": u.display_name,
                           "is_admin": u.is_admin, "email_verified": u.email_verified,
                           "totp_enabled": u.totp_enabled,
                           "created_at": u.created_at.isoformat()} for u in users]),
              file=stdout)
        return
    if not users:
        print("No accounts yet: pairpad admin create-user EMAIL --admin --password-stdin",
              file=stdout)
        return
    width = max(len(u.email) for u in users)
    for u in users:
        flags = [name for name, on in (("admin", u.is_admin), ("verified", u.email_verified),
                                       ("totp", u.totp_enabled)) if on]
        print(f"{u.email:<{width}}  {u.id}  {u.created_at:%Y-%m-%d}  {','.join(flags)}",
              file=stdout)
