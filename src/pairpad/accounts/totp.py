"""TOTP (RFC 6238 through pyotp): the secret is Fernet-encrypted at rest with a key from
server_secrets; a code is accepted within ±1 step of 30 s, and only for a step later than
the last one accepted (users.totp_last_step), so an observed code cannot be replayed.
Recovery codes: ten random 80-bit codes, stored as SHA-256 digests, each usable once."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken

from pairpad.accounts.hashing import digest

ISSUER = "Pairpad"
WINDOW = 1  # steps either side of now
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


@dataclass(frozen=True)
class TotpEnrolment:
    secret: str
    otpauth_uri: str
    qr_svg: str


def new_fernet_key() -> bytes:
    return Fernet.generate_key()


class TotpSecrets:
    """Encrypts and decrypts TOTP secrets with the deployment's Fernet key."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def encrypt(self, secret: str) -> bytes:
        return self._fernet.encrypt(secret.encode("ascii"))

    def decrypt(self, blob: bytes) -> str:
        try:
            return self._fernet.decrypt(bytes(blob)).decode("ascii")
        except InvalidToken as error:  # the key changed: the user must enrol again
            raise ValueError("the TOTP secret cannot be decrypted") from error


def new_enrolment(account_name: str) -> TotpEnrolment:
    secret = pyotp.random_base32()
    uri = pyotp.TOTP(secret).provisioning_uri(name=account_name, issuer_name=ISSUER)
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4, title="TOTP enrolment")
    return TotpEnrolment(secret, uri, qr_svg)


def current_step(secret: str, now: datetime) -> int:
    return int(pyotp.TOTP(secret).timecode(now))


def matching_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The step (within ±WINDOW of now) whose code is `code` and that is later than
    `last_step`; None otherwise. All candidate steps are compared, in constant time."""
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(totp.timecode(now))
    found: int | None = None
    for step in range(now_step - WINDOW, now_step + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step).encode(), code.encode()) and found is None:
            found = step
    if found is None or (last_step is not None and found <= last_step):
        return None
    return found


def new_recovery_codes() -> list[str]:
    """Ten codes of 16 symbols (80 bits), shown as XXXX-XXXX-XXXX-XXXX."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16))
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    return codes


def normalize_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def recovery_code_digest(code: str) -> str:
    return digest(normalize_recovery_code(code))


def looks_like_recovery_code(code: str) -> bool:
    return len(normalize_recovery_code(code)) == 16


