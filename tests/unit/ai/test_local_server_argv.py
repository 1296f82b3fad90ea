"""The llama.cpp server's command line: threads bounded so prompts are not evaluated on more
threads than there are free cores (llama-cpp-python's default is every CPU)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairpad.ai.provider_config import LocalModelSettings
from pairpad.ai.providers import local_server
from pairpad.ai.providers.local_server import server_argv


def _option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def test_threads_default_to_half_the_cpus_for_generation_and_prompts(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local_server.os, "cpu_count", lambda: 2)
    argv = server_argv(LocalModelSettings(), Path("/m.gguf"), 1234)
    assert _option(argv, "--n_threads") == "1"
    assert _option(argv, "--n_threads_batch") == "1"
    monkeypatch.setattr(local_server.os, "cpu_count", lambda: 16)
    argv = server_argv(LocalModelSettings(), Path("/m.gguf"), 1234)
    assert (_option(argv, "--n_threads"), _option(argv, "--n_threads_batch")) == ("8", "8")


def test_threads_follow_the_settings() -> None:
    argv = server_argv(LocalModelSettings(n_threads=3), Path("/m.gguf"), 1234)
    assert (_option(argv, "--n_threads"), _option(argv, "--n_threads_batch")) == ("3", "3")
    argv = server_argv(LocalModelSettings(n_threads=3, n_threads_batch=5), Path("/m.gguf"), 1)
    assert (_option(argv, "--n_threads"), _option(argv, "--n_threads_batch")) == ("3", "5")


def test_the_command_line_names_the_model_port_and_queues_requests() -> None:
    argv = server_argv(LocalModelSettings(n_ctx=2048, chat_format="chatml"), Path("/m.gguf"), 4321)
    assert argv[1:3] == ["-m", "llama_cpp.server"]
    assert _option(argv, "--model") == "/m.gguf" and _option(argv, "--port") == "4321"
    assert _option(argv, "--n_ctx") == "2048" and _option(argv, "--chat_format") == "chatml"
    assert _option(argv, "--interrupt_requests") == "False"
    assert "--api_key" not in argv  # the key goes through the environment, never argv
