"""Mentions, roles and the encrypted key box (model profiles: test_profiles.py)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from pairpad.ai.roles import ModelRef, effective_roles, parse_model_ref
from pairpad.ai.secrets import SecretBox
from pairpad.ai.sources.mentions import parse_mentions


def test_mentions() -> None:
    text = "Compare @src/app.py with @tests/ and @src/app.py, not me@example.com; see @codebase"
    assert parse_mentions(text) == ["src/app.py", "tests/"]
    assert parse_mentions("@a.py.") == ["a.py"]  # trailing sentence dot is not part of it


def test_model_refs() -> None:
    assert parse_model_ref("ollama:qwen2.5-coder:7b") == ModelRef("ollama", "qwen2.5-coder:7b")
    for bad in ("gpt-4o", ":m", "p:"):
        with pytest.raises(ValueError, match="provider:model"):
            parse_model_ref(bad)
    roles = effective_roles({"chat": "openai:gpt-4o-mini"}, "smollm2")
    assert str(roles["chat"]) == "openai:gpt-4o-mini"
    assert str(roles["autocomplete"]) == "local:smollm2"  # the embedded model by default


def test_secret_box_round_trip_and_key_file_mode(tmp_path: Path) -> None:
    box = SecretBox(tmp_path / "data")
    token = box.encrypt("sk-secret")
    assert b"sk-secret" not in token
    assert box.decrypt(token) == "sk-secret"
    mode = stat.S_IMODE(box.key_path.stat().st_mode)
    assert mode == 0o600
    # Another process (same data dir) reads the same key.
    assert SecretBox(tmp_path / "data").decrypt(token) == "sk-secret"
    # A replaced key file cannot decrypt: None, not a crash.
    box.key_path.unlink()
    assert SecretBox(tmp_path / "data").decrypt(token) is None
