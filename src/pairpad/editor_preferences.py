"""Editor/UI preferences (`editor.fontSize` …): schema, defaults, and their store."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints, TypeAdapter, ValidationError
from sqlalchemy import select

from pairpad.errors import Unprocessable
from pairpad.storage.db import Database
from pairpad.storage.owner import NO_WORKSPACE, Owner
from pairpad.storage.tables import UserSetting

# A Monaco language id (`python`, `typescriptreact`, `c++`, `objective-c`, `csharp`, …).
LanguageId = Annotated[
    str, StringConstraints(strict=True, min_length=1, max_length=64,
                           pattern=r"^[a-z0-9][a-z0-9_+.#-]*$"),
]
MAX_DISABLED_LANGUAGES = 100


def _unique(ids: list[str]) -> list[str]:
    """Duplicates are dropped (the first one kept, in order): a list read as a set."""
    return list(dict.fromkeys(ids))


# key -> (type, default). One table, so the UI, the API and validation agree.
PREFERENCES: dict[str, tuple[Any, object]] = {
    "editor.fontSize": (Annotated[int, Field(ge=8, le=40, strict=True)], 14),
    "editor.tabSize": (Annotated[int, Field(ge=1, le=8, strict=True)], 4),
    "editor.wordWrap": (Annotated[bool, Field(strict=True)], False),
    "editor.minimap": (Annotated[bool, Field(strict=True)], True),
    "editor.formatOnSave": (Annotated[bool, Field(strict=True)], False),
    "workbench.theme": (Literal["system", "dark", "light"], "system"),
    # Inline completion (issue 11): on/off, and the languages it never asks about.
    "completion.enabled": (Annotated[bool, Field(strict=True)], True),
    "completion.disabledLanguages": (
        Annotated[list[LanguageId], Field(strict=True, max_length=MAX_DISABLED_LANGUAGES),
                  AfterValidator(_unique)],
        [],
    ),
}
_ADAPTERS = {key: TypeAdapter(kind) for key, (kind, _default) in PREFERENCES.items()}


# An error names what was wrong, but never echoes unbounded input back (a 32 MB key made a
# 33.6 MB error): names are cut, and only the first few problems are listed.
MAX_SHOWN_NAME = 64
MAX_SHOWN_PROBLEMS = 5


def _shown(key: str) -> str:
    return repr(key if len(key) <= MAX_SHOWN_NAME else key[:MAX_SHOWN_NAME] + "…")


def validate_preferences(values: dict[str, object]) -> dict[str, object]:
    """All-or-nothing: one bad key or value rejects the whole update."""
    problems: list[str] = []
    clean: dict[str, object] = {}
    for key, value in values.items():
        adapter = _ADAPTERS.get(key)
        if adapter is None:
            problems.append(f"unknown setting {_shown(key)}")
            continue
        try:
            clean[key] = adapter.validate_python(value)
        except ValidationError as error:
            problems.append(f"{key}: {error.errors()[0]['msg']}")
    if problems:
        more = len(problems) - MAX_SHOWN_PROBLEMS
        listed = problems[:MAX_SHOWN_PROBLEMS] + ([f"and {more} more"] if more > 0 else [])
        raise Unprocessable("Invalid settings: " + "; ".join(listed))
    return clean


class PreferencesService:
    """User-wide preferences of one owner: rows (owner_id, workspace_id '', key), revision
    0010_owner_keys. Another owner's rows are never read or written here."""

    def __init__(self, db: Database, owner: Owner) -> None:
        self._db = db
        self._owner = owner

    async def get_all(self) -> dict[str, object]:
        values = {key: default for key, (_kind, default) in PREFERENCES.items()}
        async with self._db.session() as session:
            rows = await session.scalars(select(UserSetting).where(
                UserSetting.owner_id == self._owner.owner_id,
                UserSetting.workspace_id == NO_WORKSPACE))
            for row in rows.all():
                if row.key in values:
                    values[row.key] = row.value
        return values

    async def update(self, changes: dict[str, object]) -> dict[str, object]:
        clean = validate_preferences(changes)
        async with self._db.session() as session:
            for key, value in clean.items():
                # merge() finds the row by its whole key: this owner's, never another's.
                await session.merge(UserSetting(key=key, value=value,
                                                owner_id=self._owner.owner_id,
                                                workspace_id=NO_WORKSPACE))
        return await self.get_all()
