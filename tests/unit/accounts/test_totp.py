"""TOTP: ±1 step, no replay of a step, recovery codes, the encrypted secret."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest

from pairpad.accounts.clock import utcnow
from pairpad.accounts.totp import (
    TotpSecrets,
    current_step,
    matching_step,
    new_enrolment,
    new_fernet_key,
    new_recovery_codes,
    recovery_code_digest,
)


def test_enrolment_has_uri_and_inline_svg() -> None:
    enrolment = new_enrolment("alice@example.com")
    assert enrolment.otpauth_uri.startswith("otpauth://totp/Pairpad:alice%40example.com?")
    assert f"secret={enrolment.secret}" in enrolment.otpauth_uri
    assert enrolment.qr_svg.startswith("<svg") and "</svg>" in enrolment.qr_svg


def test_window_and_replay() -> None:
    secret = pyotp.random_base32()
    now = utcnow()
    totp = pyotp.TOTP(secret)
    step = current_step(secret, now)
    assert matching_step(secret, totp.at(now), now, None) == step
    assert matching_step(secret, totp.at(now - timedelta(seconds=30)), now, None) == step - 1
    assert matching_step(secret, totp.at(now + timedelta(seconds=30)), now, None) == step + 1
    assert matching_step(secret, totp.at(now - timedelta(seconds=90)), now, None) is None
    # A step already used (or an earlier one) is refused.
    assert matching_step(secret, totp.at(now), now, step) is None
    assert matching_step(secret, totp.at(now - timedelta(seconds=30)), now, step - 1) is None
    assert matching_step(secret, "12345", now, None) is None
    assert matching_step(secret, "abcdef", now, None) is None


def test_secret_encrypted_at_rest() -> None:
    secrets = TotpSecrets(new_fernet_key())
    blob = secrets.encrypt("JBSWY3DPEHPK3PXP")
    assert b"JBSWY3DPEHPK3PXP" not in blob
    assert secrets.decrypt(blob) == "JBSWY3DPEHPK3PXP"
    with pytest.raises(ValueError):
        TotpSecrets(new_fernet_key()).decrypt(blob)


def test_recovery_codes() -> None:
    codes = new_recovery_codes()
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(len(code) == 19 and code.count("-") == 3 for code in codes)
    code = codes[0]
    assert recovery_code_digest(code) == recovery_code_digest(code.lower().replace("-", " "))
    assert recovery_code_digest(code) != recovery_code_digest(codes[1])
