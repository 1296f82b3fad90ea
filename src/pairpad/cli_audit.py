"""`pairpad audit verify --database-url URL`: checks the audit trail's hash chain.

Exit codes: 0 intact (one line: the count and the head hash), 1 broken (the first bad row on
stderr: `audit_events row <id>: <what> (expected …, found …)`), 2 the check could not run
(a bad URL, an unreachable database, a database without the audit tables). Read only: it
never migrates or writes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from pairpad.storage.db import Database

EXIT_BROKEN = 1
EXIT_CANNOT_CHECK = 2


def add_audit_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = commands.add_parser("audit", help="Check the audit trail of a team deployment.")
    actions = audit.add_subparsers(dest="audit_command", required=True)
    verify = actions.add_parser(
        "verify", help="Check that no audit event was edited, deleted or reordered.")
    verify.add_argument("--database-url", default=os.environ.get("PAIRPAD_DATABASE_URL"),
                        help="postgresql+asyncpg://… (or sqlite+aiosqlite:///…); env "
                        "PAIRPAD_DATABASE_URL.")


def run_audit(args: argparse.Namespace, stdout: TextIO = sys.stdout,
              stderr: TextIO = sys.stderr) -> int:
    # Imported here: every command builds this parser, and needs none of it.
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from pairpad.storage.db import Database

    if not args.database_url:
        print("pairpad audit: --database-url is required (or PAIRPAD_DATABASE_URL)",
              file=stderr)
        return EXIT_CANNOT_CHECK
    try:
        db = Database.for_url(args.database_url)
    except (ValueError, ArgumentError) as error:
        print(f"pairpad audit: bad --database-url: {error}", file=stderr)
        return EXIT_CANNOT_CHECK
    where = _shown(args.database_url)
    try:
        return asyncio.run(_verify(db, stdout, stderr))
    except (OSError, SQLAlchemyError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        hint = ("it has no audit trail yet: start `pairpad serve` on it once (it migrates)"
                if _missing_table(error) else "check the URL and that the server runs")
        print(f"pairpad audit: cannot read the database at {where}: {reason}; {hint}",
              file=stderr)
        return EXIT_CANNOT_CHECK


async def _verify(db: Database, stdout: TextIO, stderr: TextIO) -> int:
    from pairpad.audit.verify import verify_chain

    try:
        verdict = await verify_chain(db)
    finally:
        await db.dispose()
    if verdict.problem is not None:
        print(str(verdict.problem), file=stderr)
        print(f"pairpad audit: the trail is broken ({verdict.count} events check out before "
              "that row)", file=stderr)
        return EXIT_BROKEN
    print(verdict.summary(), file=stdout)
    return 0


def _shown(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL was refused before this is reached
        return "the given URL"


def _missing_table(error: BaseException) -> bool:
    text = str(error).lower()
    return "audit_events" in text and ("no such table" in text or "does not exist" in text)
