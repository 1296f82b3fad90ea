"""Secrets shared by every instance of a deployment (table server_secrets): created once by
whichever instance starts first, read by the others."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pairpad.storage.db import Database
from pairpad.storage.team_tables import ServerSecretRow

JWT_SIGNING_KEY = "jwt_signing_key"
TOTP_KEY = "totp_key"


async def load_or_create_secret(db: Database, name: str, make: Callable[[], bytes]) -> bytes:
    """The stored value of `name`, inserting `make()` when there is none. Two instances
    starting at once both try the insert; the loser reads the winner's value."""
    for _attempt in range(3):
        async with db.session() as session:
            value = await session.scalar(
                select(ServerSecretRow.value).where(ServerSecretRow.name == name)
            )
        if value is not None:
            return bytes(value)
        try:
            async with db.session() as session:
                session.add(ServerSecretRow(name=name, value=make()))
        except IntegrityError:
            continue
    raise RuntimeError(f"could not create the server secret {name!r}")
