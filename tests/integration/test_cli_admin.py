"""`pairpad admin create-user|reset-password|list-users` as a subprocess, on a fresh
PostgreSQL database (migrated by the command itself) and on a SQLite file; passwords come
from stdin only, are checked against the policy, and work for signing in afterwards."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from pairpad.accounts.errors import Unauthorized
from pairpad.accounts.service import AccountService, TokenPair
from pairpad.accounts.settings import TeamSettings
from pairpad.storage.db import Database

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new passphrase here"


def admin(url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pairpad", "admin", "--database-url", url, *args],
        input=stdin, capture_output=True, text=True, timeout=120, check=False)


def users(url: str) -> list[dict[str, object]]:
    result = admin(url, "list-users", "--json")
    assert result.returncode == 0, result.stderr
    listed: list[dict[str, object]] = json.loads(result.stdout)
    return listed


@pytest.fixture
async def accounts(pg_url: str, tmp_path: Path) -> AsyncIterator[AccountService]:
    """The same database, for signing in with what the command stored (made lazily: the
    command must find the database empty and migrate it itself)."""
    db = Database.for_url(pg_url)
    service = AccountService(db, TeamSettings(database_url=pg_url, workspaces_dir=tmp_path))
    yield service
    await db.dispose()


async def test_create_user_migrates_a_fresh_database_and_the_password_signs_in(
    pg_url: str, accounts: AccountService
) -> None:
    result = admin(pg_url, "create-user", "Ann@Example.com", "--admin", "--display-name",
                   "Ann", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert "ann@example.com" in result.stdout and "admin" in result.stdout
    assert PASSWORD not in result.stdout + result.stderr
    [ann] = users(pg_url)
    assert (ann["email"], ann["display_name"], ann["is_admin"], ann["email_verified"]) == (
        "ann@example.com", "Ann", True, False)

    await accounts.start()
    assert isinstance(await accounts.login("ann@example.com", PASSWORD), TokenPair)

    plain = admin(pg_url, "list-users")
    assert plain.returncode == 0 and "ann@example.com" in plain.stdout
    assert "admin" in plain.stdout


async def test_weak_passwords_exit_2_with_the_policy_and_create_nothing(pg_url: str) -> None:
    short = admin(pg_url, "create-user", "bob@example.com", "--password-stdin",
                  stdin="short\n")
    assert short.returncode == 2
    assert "at least 12 characters" in short.stderr
    common = admin(pg_url, "create-user", "bob@example.com", "--password-stdin",
                   stdin="password1234\n")
    assert common.returncode == 2
    assert "too common" in common.stderr
    assert users(pg_url) == []


async def test_passwords_are_never_arguments(pg_url: str) -> None:
    as_argument = admin(pg_url, "create-user", "bob@example.com", "--password", PASSWORD,
                        "--password-stdin", stdin=PASSWORD + "\n")
    assert as_argument.returncode == 2
    assert "never an argument" in as_argument.stderr
    without_stdin = admin(pg_url, "create-user", "bob@example.com")
    assert without_stdin.returncode == 2
    assert "--password-stdin" in without_stdin.stderr
    assert users(pg_url) == []


async def test_an_existing_email_or_an_invalid_one_is_refused(pg_url: str) -> None:
    assert admin(pg_url, "create-user", "ann@example.com", "--password-stdin",
                 stdin=PASSWORD).returncode == 0
    again = admin(pg_url, "create-user", " ANN@example.com ", "--password-stdin",
                  stdin=NEW_PASSWORD)
    assert again.returncode == 1
    assert "already exists" in again.stderr
    invalid = admin(pg_url, "create-user", "not-an-email", "--password-stdin",
                    stdin=PASSWORD)
    assert invalid.returncode == 2
    assert "valid email" in invalid.stderr
    assert [u["email"] for u in users(pg_url)] == ["ann@example.com"]


async def test_reset_password_sets_a_new_one_and_signs_out_everywhere(
    pg_url: str, accounts: AccountService
) -> None:
    assert admin(pg_url, "create-user", "ann@example.com", "--password-stdin",
                 stdin=PASSWORD).returncode == 0
    await accounts.start()
    before = await accounts.login("ann@example.com", PASSWORD)
    assert isinstance(before, TokenPair)

    weak = admin(pg_url, "reset-password", "ann@example.com", "--password-stdin",
                 stdin="tiny\n")
    assert weak.returncode == 2 and "at least 12 characters" in weak.stderr
    reset = admin(pg_url, "reset-password", "ann@example.com", "--password-stdin",
                  stdin=NEW_PASSWORD + "\r\n")
    assert reset.returncode == 0, reset.stderr

    with pytest.raises(Unauthorized):
        await accounts.refresh(before.refresh_token)  # the old session is gone
    with pytest.raises(Unauthorized):
        await accounts.login("ann@example.com", PASSWORD)
    assert isinstance(await accounts.login("ann@example.com", NEW_PASSWORD), TokenPair)

    unknown = admin(pg_url, "reset-password", "nobody@example.com", "--password-stdin",
                    stdin=NEW_PASSWORD)
    assert unknown.returncode == 1 and "No account" in unknown.stderr


def test_a_sqlite_file_works_too(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/data/pairpad.sqlite3"
    assert admin(url, "list-users").stdout.startswith("No accounts yet")
    assert admin(url, "create-user", "ann@example.com", "--password-stdin",
                 stdin=PASSWORD).returncode == 0
    assert [u["email"] for u in users(url)] == ["ann@example.com"]


def test_an_unreachable_database_exits_1() -> None:
    result = admin("postgresql+asyncpg://postgres@127.0.0.1:1/nope", "list-users")
    assert result.returncode == 1
    assert "database error" in result.stderr
