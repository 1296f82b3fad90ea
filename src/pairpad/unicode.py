"""Lone UTF-16 surrogates (`"\\ud800"` in JSON) decode to a Python `str` that cannot be
encoded back to UTF-8: accepted, they fail later as a 500 while storing or answering.
Request models refuse them up front with this check."""

from __future__ import annotations

import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")


def well_formed(value: Any, where: str = "") -> Any:
    """`value` unchanged, or ValueError naming the first string (or key) with a lone
    surrogate. Walks dicts and lists, for a `model_validator(mode="before")`."""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise ValueError(f"{where or 'text'}: contains a lone surrogate (not valid Unicode)")
    elif isinstance(value, dict):
        for key, item in value.items():
            well_formed(key, where)
            well_formed(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            well_formed(item, f"{where}.{index}" if where else str(index))
    return value
