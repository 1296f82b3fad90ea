"""Passwords: argon2id hashes and the OWASP ASVS 5 policy (length, common passwords).

No composition rules (ASVS 6.2.5): length and a check against a shipped list of common and
breached passwords (zxcvbn's password frequency list) do the work. Passwords are NFKC
normalized before hashing (NIST SP 800-63B), so the same text typed on two keyboards matches.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pairpad.errors import Unprocessable

MIN_LENGTH = 12
MAX_LENGTH = 128

# OWASP's argon2id minimum (m=19 MiB, t=2, p=1); raising these upgrades hashes on login.
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


class WeakPassword(Unprocessable):
    """The password breaks the policy (422, with what to change)."""


def _normalized(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    return HASHER.hash(_normalized(password))


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, _normalized(password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("pairpad dummy password for unknown accounts")


def burn_verify_time(password: str) -> None:
    """The cost of one verification, for an unknown account: its answer then takes as long
    as a wrong password's, so timing does not tell which emails have accounts."""
    verify_password(_dummy_hash(), password)


async def hash_password_async(password: str) -> str:
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(password_hash: str | None, password: str) -> bool:
    """False for an account without a password too, after the same work."""
    if password_hash is None:
        await asyncio.to_thread(burn_verify_time, password)
        return False
    return await asyncio.to_thread(verify_password, password_hash, password)


@functools.lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """zxcvbn's list of the most used (and breached) passwords, lower-cased; loaded once, on
    first use (it is ~30,000 words)."""
    # zxcvbn ships no type information; its module is only data.
    lists: dict[str, list[str]] = importlib.import_module("zxcvbn.frequency_lists").FREQUENCY_LISTS
    return frozenset(word.lower() for word in lists["passwords"])


def password_problem(password: str, email: str = "") -> str | None:
    """Why `password` is refused, or None when it is acceptable."""
    text = _normalized(password)
    if len(text) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters (a few unrelated words work well)."
    if len(text) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    lowered = text.lower()
    if email and lowered.strip() == email.strip().lower():
        return "The password cannot be your email address."
    if lowered in common_passwords():
        return "This password is too common (it is on a list of leaked passwords): choose another."
    return None


def check_password(password: str, email: str = "") -> None:
    problem = password_problem(password, email)
    if problem is not None:
        raise WeakPassword(problem)
