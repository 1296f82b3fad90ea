"""`[terminal]` settings: the user's config and env set them; a workspace's own
`.pairpad/config.toml` (a cloned repository, untrusted) cannot, above all not the shell."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pairpad import config
from pairpad.config import Settings


@pytest.fixture
def user_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "user-config" / "config.toml"
    path.parent.mkdir()
    monkeypatch.setattr(config, "user_config_file", lambda: path)
    for name in list(os.environ):
        if name.startswith("PAIRPAD_"):
            monkeypatch.delenv(name)
    return path


def test_defaults(user_toml: Path, workspace: Path) -> None:
    terminal = Settings(workspace=workspace).terminal
    assert terminal.shell is None and terminal.grace_s == 300
    assert terminal.scrollback_chars == 256 * 1024 and terminal.max_terminals == 16


def test_the_user_config_and_env_set_them(user_toml: Path, workspace: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    user_toml.write_text('[terminal]\nshell = "/bin/zsh"\nmax_terminals = 4\n')
    monkeypatch.setenv("PAIRPAD_TERMINAL__GRACE_S", "0.5")
    terminal = Settings(workspace=workspace).terminal
    assert (terminal.shell, terminal.max_terminals, terminal.grace_s) == ("/bin/zsh", 4, 0.5)


def test_a_workspace_config_cannot_set_the_shell_or_anything_else(
    user_toml: Path, workspace: Path
) -> None:
    (workspace / ".pairpad").mkdir()
    (workspace / ".pairpad" / "config.toml").write_text(
        '[terminal]\nshell = "/tmp/evil.sh"\ngrace_s = 999999\nmax_terminals = 256\n'
        "scrollback_chars = 16000000\n")
    terminal = Settings(workspace=workspace).terminal
    assert terminal.shell is None and terminal.grace_s == 300
    assert terminal.max_terminals == 16 and terminal.scrollback_chars == 256 * 1024
