"""The long-lived services of one server, built from Settings and started by the app lifespan."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from pairpad.auth.authorizer import Authorizer
from pairpad.auth.identity import LocalTokenIdentityProvider
from pairpad.config import Settings
from pairpad.preferences import PreferencesService
from pairpad.realtime import Realtime
from pairpad.storage.db import Database


class Component(Protocol):
    """Something with a background life (watcher, model server, indexer)."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...


@dataclass
class Services:
    settings: Settings
    identities: LocalTokenIdentityProvider
    authorizer: Authorizer
    db: Database
    realtime: Realtime
    preferences: PreferencesService
    components: list[Component] = field(default_factory=list)

    async def start(self) -> None:
        await self.db.migrate()
        for component in self.components:
            await component.start()

    async def stop(self) -> None:
        for component in reversed(self.components):
            await component.stop()
        await self.db.dispose()


def build_services(settings: Settings, token: str) -> Services:
    """Construct everything without side effects; `start()` does the I/O."""
    identities = LocalTokenIdentityProvider(token)
    db = Database.for_sqlite_file(settings.database_path)
    realtime = Realtime(identities)
    services = Services(
        settings=settings,
        identities=identities,
        authorizer=Authorizer(),
        db=db,
        realtime=realtime,
        preferences=PreferencesService(db),
    )
    return services
