"""The problems of each source (`task:test` …), kept for `GET /api/problems` and published
as `problems:changed` whenever a source's list is replaced or cleared."""

from __future__ import annotations

from pairpad.errors import NotFound
from pairpad.events.bus import Publish
from pairpad.events.models import Problem, ProblemsChanged


class ProblemBoard:
    def __init__(self, events: Publish) -> None:
        self._events = events
        self._sources: dict[str, list[Problem]] = {}

    def all(self) -> dict[str, list[Problem]]:
        return {source: list(problems) for source, problems in self._sources.items()}

    async def replace(self, source: str, problems: list[Problem]) -> None:
        self._sources[source] = list(problems)
        await self._events.publish(ProblemsChanged(source=source, problems=list(problems)))

    async def clear(self, source: str) -> None:
        if source not in self._sources:
            raise NotFound(f"No problems from {source!r}; the sources are: "
                           f"{', '.join(sorted(self._sources)) or 'none'}.")
        del self._sources[source]
        await self._events.publish(ProblemsChanged(source=source, problems=[]))
