"""A workspace's own `.pairpad/config.toml`: untrusted, so it may only tighten limits.

A cloned repository is not trusted. It may not set the token, bind address, allowed hosts,
data dir or model providers (whose `base_url` would receive the user's API keys) at all;
and of the tuning it may set, it can only ask for *less* work than the user's own settings
allow: a smaller file-size limit, fewer results, a longer debounce, indexing off, more
exclusions, more secret files (never fewer: the built-in secret rules are no setting). A
repository that raises `max_file_size` to 100 MB (and so makes every read of its big files
cost hundreds of MB) is ignored on that key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import structlog
from pydantic import BaseModel
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, TomlConfigSettingsSource

log = structlog.get_logger("pairpad.config")

Combine = Callable[[Any, Any], Any]


def _at_most(workspace: Any, trusted: Any) -> Any:
    return min(workspace, trusted)


def _at_least(workspace: Any, trusted: Any) -> Any:
    return max(workspace, trusted)


def _only_off(workspace: Any, trusted: Any) -> Any:
    return bool(workspace) and bool(trusted)


def _added(workspace: Any, trusted: Any) -> Any:
    if not isinstance(workspace, list) or not isinstance(trusted, list):
        raise TypeError("a list is expected")
    return [*trusted, *(item for item in workspace if item not in trusted)]


# Tables of the workspace file that are no settings: read by their own services (the tasks of
# `[commands]`: runtime/tasks.py, sandbox-only and approved by the user; `[agent]
# allowed_commands`: ai/agent/allow_list.py, approved by the user), so not "ignored".
OWN_TABLES = frozenset({"commands", "agent"})
# key -> how a workspace value combines with the trusted one. Keys not listed are ignored.
TOP_LEVEL: dict[str, Combine] = {
    "max_file_size": _at_most,
    "search_timeout": _at_most,
    "search_max_results": _at_most,
    "watch_debounce_ms": _at_least,
    "secret_patterns": _added,  # more secret files, never fewer
}
INDEX: dict[str, Combine] = {
    "enabled": _only_off,
    "max_file_size": _at_most,
    "max_files": _at_most,
    "batch_size": _at_most,
    "debounce_ms": _at_least,
    "minified_line_length": _at_most,
    "chunk_lines": _at_most,
    "repo_map_tokens": _at_most,
    "embed_batch_size": _at_most,
    "embed_max_chars": _at_most,
    "embed_query_timeout": _at_most,
    "embed_retry_seconds": _at_least,
    "exclude": _added,
}


class WorkspaceTomlSource(TomlConfigSettingsSource):
    """Reads the workspace file and combines each allowed key with the trusted value below
    it (the user's file, else the default) so it can only tighten it. Arguments and env
    vars rank above the workspace file anyway, so where they set a key they win."""

    def __init__(
        self,
        settings_cls: type[BaseSettings],
        path: Path,
        trusted_below: PydanticBaseSettingsSource,
    ) -> None:
        super().__init__(settings_cls, path)
        self._settings_cls = settings_cls
        self._trusted_below = trusted_below

    def __call__(self) -> dict[str, Any]:
        values = super().__call__()
        if not values:
            return {}
        trusted = self._trusted_below()
        ignored: list[str] = []
        result = _combine(values, TOP_LEVEL, trusted, self._defaults(None), "", ignored)
        index = values.get("index")
        if isinstance(index, Mapping):
            trusted_index = _as_dict(trusted.get("index"))
            combined = _combine(
                index, INDEX, trusted_index, self._defaults("index"), "index.", ignored
            )
            if combined:
                result["index"] = combined
        elif index is not None:
            ignored.append("index")
        ignored += sorted(key for key in values
                          if key not in TOP_LEVEL and key != "index" and key not in OWN_TABLES)
        if ignored:
            log.warning(
                "workspace config keys ignored",
                keys=sorted(ignored),
                hint="a workspace file may only lower limits; set the others in your user "
                "config.toml or PAIRPAD_* env vars",
            )
        return result

    def _defaults(self, section: str | None) -> dict[str, Any]:
        fields = self._settings_cls.model_fields
        if section is None:
            return {
                name: field.get_default(call_default_factory=True)
                for name, field in fields.items()
            }
        model = fields[section].annotation
        assert isinstance(model, type) and issubclass(model, BaseModel)
        return {
            name: field.get_default(call_default_factory=True)
            for name, field in model.model_fields.items()
        }


def _combine(
    values: Mapping[str, Any],
    rules: dict[str, Combine],
    trusted: Mapping[str, Any],
    defaults: Mapping[str, Any],
    prefix: str,
    ignored: list[str],
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in values.items():
        rule = rules.get(key)
        if rule is None:
            continue
        current = trusted.get(key, defaults.get(key))
        try:
            result[key] = rule(value, current)
        except TypeError:  # e.g. a string where a number belongs: not this file's to break
            ignored.append(prefix + key)
    return result


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, BaseModel):
        return value.model_dump(exclude_unset=True)
    return dict(value) if isinstance(value, Mapping) else {}
