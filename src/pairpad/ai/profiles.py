"""Model profiles: what one model needs, as data (pydantic-ai's per-model profiles).

A provider (`ai/providers/`) is an authenticated client of one endpoint; *how to talk to a
model* is a `ModelProfile` looked up by (provider kind, model name): its context window,
fill-in-the-middle template, stop tokens, chat-request quirks, tool-calling format and the edit
format it handles best. The built-in table below is matched first-match-wins by glob on the
lower-cased model name; the user's `ai.profiles` settings are then merged over it, field by
field (`ModelProfiles`). Nothing here does I/O or imports a provider.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

EditFormat = Literal["search_replace", "udiff", "whole"]
ToolFormat = Literal["openai", "anthropic", "ollama", "none"]
FimName = Literal["qwen", "starcoder", "starcoder2", "deepseek", "codellama", "codestral", "none"]


@dataclass(frozen=True)
class FimTemplate:
    """Fill-in-the-middle prompt built from the model's own special tokens."""

    name: str
    prefix: str
    suffix: str
    middle: str
    stop: tuple[str, ...] = ()
    suffix_first: bool = False  # Codestral: [SUFFIX]…[PREFIX]…, the middle follows

    def render(self, prefix: str, suffix: str) -> str:
        if self.suffix_first:
            return f"{self.suffix}{suffix}{self.prefix}{prefix}{self.middle}"
        return f"{self.prefix}{prefix}{self.suffix}{suffix}{self.middle}"


QWEN_FIM = FimTemplate("qwen", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>",
                       ("<|endoftext|>",))
STARCODER_FIM = FimTemplate("starcoder", "<fim_prefix>", "<fim_suffix>", "<fim_middle>",
                            ("<|endoftext|>",))
# StarCoder2 uses StarCoder's tokens; it was trained on repositories, so it may go on with
# the next file: stop there too.
STARCODER2_FIM = FimTemplate("starcoder2", "<fim_prefix>", "<fim_suffix>", "<fim_middle>",
                             ("<|endoftext|>", "<file_sep>"))
CODELLAMA_FIM = FimTemplate("codellama", "<PRE> ", " <SUF>", " <MID>", ("<EOT>",))
# DeepSeek spells its FIM tokens with fullwidth bars and U+2581.
DEEPSEEK_FIM = FimTemplate(
    "deepseek", "<\uff5cfim\u2581begin\uff5c>", "<\uff5cfim\u2581hole\uff5c>",
    "<\uff5cfim\u2581end\uff5c>")
# Mistral's Codestral: the suffix comes first (`[SUFFIX]{suffix}[PREFIX]{prefix}`).
CODESTRAL_FIM = FimTemplate("codestral", "[PREFIX]", "[SUFFIX]", "", ("[PREFIX]", "[SUFFIX]"),
                            suffix_first=True)

FIM_TEMPLATES: dict[str, FimTemplate] = {
    t.name: t for t in (QWEN_FIM, STARCODER_FIM, STARCODER2_FIM, CODELLAMA_FIM, DEEPSEEK_FIM,
                        CODESTRAL_FIM)
}


@dataclass(frozen=True)
class ModelProfile:
    context_window: int = 8192  # the fallback when neither the settings nor the server say
    fim: FimTemplate | None = None  # None: prefix-only completion
    stop: tuple[str, ...] = ()  # added to every text completion's stop list
    # Chat-request quirks (the OpenAI wire format)
    system_role: bool = True  # o1-style models reject "system": sent as "user"
    temperature: bool = True  # reasoning models reject a temperature
    stream_usage: bool = True  # accepts stream_options.include_usage
    max_tokens_param: str = "max_tokens"
    chat_template: str | None = None  # the chat template's name, for servers that need one
    tools: ToolFormat = "openai"  # how it calls tools; "none": it cannot
    edit_format: EditFormat = "search_replace"  # what it edits files best with

    def completion_prompt(self, prefix: str, suffix: str | None) -> tuple[str, list[str]]:
        """The raw prompt of a text completion and the stop strings it needs: the profile's
        own, plus the FIM template's when fill-in-the-middle is used. FIM is used when the
        model has a template and there is a suffix (an empty one included: the cursor is at the
        end of the file, and the template still marks where the middle goes); otherwise the
        prompt is the prefix alone."""
        stops = list(self.stop)
        if suffix is None or self.fim is None:
            return prefix, _unique(stops)
        return self.fim.render(prefix, suffix), _unique([*stops, *self.fim.stop])


def _unique(items: list[str]) -> list[str]:
    """Non-empty, first occurrence kept, order kept."""
    return list(dict.fromkeys(item for item in items if item))


class ProfileOverride(BaseModel):
    """Fields of a `ModelProfile`, all optional: one row of the built-in table, or one entry of
    the user's `ai.profiles` (merged over the table's profile)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    context_window: int | None = Field(default=None, gt=0)
    fim: FimName | None = Field(default=None, description="FIM template; 'none': prefix only.")
    stop: list[str] | None = None
    system_role: bool | None = None
    temperature: bool | None = None
    stream_usage: bool | None = None
    max_tokens_param: Literal["max_tokens", "max_completion_tokens"] | None = None
    chat_template: str | None = None
    tools: ToolFormat | None = None
    edit_format: EditFormat | None = None

    @model_validator(mode="before")
    @classmethod
    def _known_fields(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(str(key) for key in data if key not in cls.model_fields)
            if unknown:
                raise ValueError(
                    f"unknown profile field(s) {', '.join(map(repr, unknown))}; the fields are: "
                    f"{', '.join(cls.model_fields)}")
        return data

    def apply(self, profile: ModelProfile) -> ModelProfile:
        changes: dict[str, Any] = {}
        for name in self.model_fields_set:
            value = getattr(self, name)
            if value is None:
                continue
            if name == "fim":
                changes[name] = None if value == "none" else FIM_TEMPLATES[value]
            elif name == "stop":
                changes[name] = tuple(value)
            else:
                changes[name] = value
        return dataclasses.replace(profile, **changes) if changes else profile


@dataclass(frozen=True)
class _Row:
    patterns: tuple[str, ...]  # globs on the lower-cased model name
    values: ProfileOverride
    kinds: tuple[str, ...] = ()  # empty: any provider kind

    def matches(self, kind: str, name: str) -> bool:
        return (not self.kinds or kind in self.kinds) and any(
            fnmatchcase(name, p) for p in self.patterns)


def _row(*patterns: str, kinds: tuple[str, ...] = (), **values: Any) -> _Row:
    return _Row(patterns, ProfileOverride.model_validate(values), kinds)


_REASONING: dict[str, Any] = {"temperature": False, "max_tokens_param": "max_completion_tokens"}

# First match wins: put specific names before general ones. "o1"-style ids must start the
# name (or follow a vendor prefix such as OpenRouter's "openai/"), or "gpt-4o1…" would match.
TABLE: tuple[_Row, ...] = (
    # The embedded model: no FIM tokens (prefix-only completion), too small for tools.
    _row("*smollm2*", context_window=8192, chat_template="chatml", tools="none",
         edit_format="whole"),
    _row("*qwen2.5-coder*", context_window=32768, fim="qwen", chat_template="chatml"),
    _row("*starcoder2*", context_window=16384, fim="starcoder2", tools="none",
         edit_format="whole"),
    _row("*starcoder*", context_window=8192, fim="starcoder", tools="none", edit_format="whole"),
    _row("*codellama*", "*code-llama*", context_window=16384, fim="codellama", tools="none",
         edit_format="whole"),
    _row("*deepseek-coder*", context_window=16384, fim="deepseek", tools="none"),
    _row("*codestral*", context_window=32768, fim="codestral"),
    _row("o1*", "*/o1*", context_window=128000, system_role=False, **_REASONING),
    _row("o3*", "*/o3*", context_window=200000, **_REASONING),
    _row("o4*", "*/o4*", context_window=200000, **_REASONING),
    _row("*gpt-4.1*", context_window=1_000_000, edit_format="udiff"),
    _row("*gpt-4o*", context_window=128000),
    _row("*gpt-5*", context_window=400000, edit_format="udiff", **_REASONING),
    _row("*claude*", context_window=200000),
    _row("*llama3*", context_window=8192),
)

# What the provider kind decides whatever the model (applied before the table's row).
KIND_DEFAULTS: dict[str, ModelProfile] = {
    "openai_compat": ModelProfile(tools="openai"),
    "local": ModelProfile(tools="openai"),  # llama.cpp's server speaks OpenAI's format
    "ollama": ModelProfile(tools="ollama"),
    # The Messages API takes no raw prompt (no FIM) and no temperature (see anthropic.py).
    "anthropic": ModelProfile(tools="anthropic", temperature=False),
}
# ... and what it decides after the row (a row cannot give it back).
_KIND_AFTER: dict[str, ProfileOverride] = {
    "anthropic": ProfileOverride(fim="none", tools="anthropic"),
}


def builtin_profile(kind: str, model: str) -> ModelProfile:
    """The table's profile for `model` served by a provider of `kind` (no user overrides)."""
    profile = KIND_DEFAULTS.get(kind, ModelProfile())
    name = model.lower()
    row = next((r for r in TABLE if r.matches(kind, name)), None)
    if row is not None:
        profile = row.values.apply(profile)
    after = _KIND_AFTER.get(kind)
    return after.apply(profile) if after is not None else profile


def _is_glob(key: str) -> bool:
    return any(ch in key for ch in "*?[")


class ModelProfiles:
    """The built-in table with the user's `ai.profiles` merged over it.

    A key is a model name or a glob (`qwen2.5-coder*`), compared case-insensitively with the
    model name and with `provider:model`. Every matching key applies, globs first in the
    order written, an exact name last, so the most specific value wins."""

    _CACHE_LIMIT = 1024

    def __init__(self, overrides: Mapping[str, ProfileOverride] | None = None) -> None:
        items = [(key.lower(), value) for key, value in (overrides or {}).items()]
        self._overrides = [i for i in items if _is_glob(i[0])] + [
            i for i in items if not _is_glob(i[0])]
        self._cache: dict[tuple[str, str, str | None], ModelProfile] = {}

    @property
    def overrides(self) -> dict[str, ProfileOverride]:
        return dict(self._overrides)

    def get(self, kind: str, model: str, provider: str | None = None) -> ModelProfile:
        key = (kind, model, provider)
        found = self._cache.get(key)
        if found is None:
            found = self._resolve(kind, model, provider)
            if len(self._cache) >= self._CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = found
        return found

    def _resolve(self, kind: str, model: str, provider: str | None) -> ModelProfile:
        profile = builtin_profile(kind, model)
        names = [model.lower()] + ([f"{provider}:{model}".lower()] if provider else [])
        for pattern, override in self._overrides:
            if any(fnmatchcase(name, pattern) for name in names):
                profile = override.apply(profile)
        return profile


BUILTIN_PROFILES = ModelProfiles()
