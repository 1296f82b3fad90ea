"""High-entropy secrets (refresh, email, recovery tokens) are stored as SHA-256 hex digests:
a stolen table holds nothing usable, and no slow hash is needed for 256-bit randomness."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def digests_match(given: str, stored: str) -> bool:
    """Constant-time comparison of two digests."""
    return hmac.compare_digest(given.encode("ascii"), stored.encode("ascii"))


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def new_id() -> str:
    return uuid.uuid4().hex
