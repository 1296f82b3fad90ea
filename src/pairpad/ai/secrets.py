"""API keys encrypted at rest with Fernet; the key file lives in the data dir, mode 0600."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

KEY_FILE = "secret.key"


class SecretBox:
    """Encrypts/decrypts small secrets. The key is created on first use, never logged."""

    def __init__(self, data_dir: Path) -> None:
        self._path = data_dir / KEY_FILE
        self._fernet: Fernet | None = None

    @property
    def key_path(self) -> Path:
        return self._path

    def _load(self) -> Fernet:
        if self._fernet is None:
            self._fernet = Fernet(self._read_or_create())
        return self._fernet

    def _read_or_create(self) -> bytes:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # O_EXCL: two processes racing both end up with the winner's key.
            fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return self._path.read_bytes().strip()
        key = Fernet.generate_key()
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(key)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            with contextlib.suppress(OSError):
                self._path.unlink()
            raise
        return key

    def encrypt(self, secret: str) -> bytes:
        return self._load().encrypt(secret.encode())

    def decrypt(self, token: bytes) -> str | None:
        """None when the key file changed since (the user re-enters the key)."""
        try:
            return self._load().decrypt(token).decode()
        except InvalidToken:
            return None
