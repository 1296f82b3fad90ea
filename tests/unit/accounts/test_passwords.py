"""The password policy (ASVS 5: length, common passwords, not the email) and argon2id."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from pairpad.accounts import passwords
from pairpad.accounts.passwords import WeakPassword, check_password, password_problem


def test_short_long_common_and_email_passwords_are_refused() -> None:
    assert "at least 12" in (password_problem("short pass1") or "")
    assert "at most 128" in (password_problem("x" * 129) or "")
    assert "common" in (password_problem("qwerty123456") or "")
    assert "common" in (password_problem("QWERTY123456") or "")  # lower-cased list
    assert "email" in (password_problem("Alice@Example.com", "alice@example.com") or "")
    with pytest.raises(WeakPassword) as refused:
        check_password("1q2w3e4r5t6y")
    assert refused.value.status_code == 422


def test_no_composition_rules() -> None:
    # Only length and the lists: lower-case words are fine, so is any Unicode.
    assert password_problem("correct horse battery staple") is None
    assert password_problem("ünïcödé ist erlaubt 🙂") is None
    assert password_problem("x" * 128) is None


def test_common_list_is_zxcvbn_passwords_lowercased() -> None:
    common = passwords.common_passwords()
    assert "password" in common and "123qweasdzxc" in common
    assert len(common) > 20_000


def test_argon2id_hash_verifies_and_parameters() -> None:
    stored = passwords.hash_password("correct horse battery staple")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.verify_password(stored, "correct horse battery staple")
    assert not passwords.verify_password(stored, "correct horse battery stapl")
    assert not passwords.verify_password("not a hash", "anything at all")
    assert not passwords.needs_rehash(stored)


def test_weaker_hash_needs_rehash() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("some password")
    assert passwords.needs_rehash(weak)
    assert passwords.verify_password(weak, "some password")


def test_normalized_before_hashing() -> None:
    stored = passwords.hash_password("caf\u00e9 au lait, please")  # composed é
    assert passwords.verify_password(stored, "cafe\u0301 au lait, please")  # e + accent


async def test_account_without_password_never_verifies() -> None:
    assert not await passwords.verify_password_async(None, "correct horse battery staple")
