"""Settings precedence: arguments > env > workspace TOML > user TOML."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairpad import config
from pairpad.config import Settings


@pytest.fixture
def user_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "user-config" / "config.toml"
    path.parent.mkdir()
    monkeypatch.setattr(config, "user_config_file", lambda: path)
    for name in list(__import__("os").environ):
        if name.startswith("PAIRPAD_"):
            monkeypatch.delenv(name)
    return path


def test_defaults(user_toml: Path, workspace: Path) -> None:
    settings = Settings(workspace=workspace)
    assert settings.host == "127.0.0.1"
    assert settings.port == 8712
    assert settings.token is None
    assert settings.workspace == workspace.resolve()


def test_user_toml_then_workspace_toml_then_env_then_args(
    user_toml: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_toml.write_text("max_file_size = 111\nsearch_timeout = 1.5\nlog_level = 'debug'\n")
    (workspace / ".pairpad").mkdir()
    (workspace / ".pairpad" / "config.toml").write_text("max_file_size = 222\n")
    assert Settings(workspace=workspace).max_file_size == 222
    assert Settings(workspace=workspace).search_timeout == 1.5
    monkeypatch.setenv("PAIRPAD_MAX_FILE_SIZE", "333")
    assert Settings(workspace=workspace).max_file_size == 333
    assert Settings(workspace=workspace, max_file_size=444).max_file_size == 444


def test_paths_are_made_absolute(user_toml: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(user_toml.parent)
    settings = Settings(workspace=Path("."), data_dir=Path("d"))
    assert settings.workspace.is_absolute()
    assert settings.data_dir == user_toml.parent / "d"
    assert settings.database_path.parent == settings.data_dir


def test_invalid_values_are_rejected(user_toml: Path, workspace: Path) -> None:
    user_toml.write_text("port = 'not-a-port'\n")
    with pytest.raises(ValueError, match="port"):
        Settings(workspace=workspace)
