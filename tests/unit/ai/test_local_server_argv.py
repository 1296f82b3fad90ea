"""The llama.cpp server's command line: what the settings put on it, and what never goes there."""

from __future__ import annotations

from pathlib import Path

from pairpad.ai.provider_config import LocalModelSettings
from pairpad.ai.providers.local_server import server_argv


def _option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def test_threads_are_llama_cpps_defaults_unless_set() -> None:
    argv = server_argv(LocalModelSettings(), Path("/m.gguf"), 1234)
    assert "--n_threads" not in argv and "--n_threads_batch" not in argv


def test_threads_follow_the_settings() -> None:
    argv = server_argv(LocalModelSettings(n_threads=3), Path("/m.gguf"), 1234)
    assert _option(argv, "--n_threads") == "3" and "--n_threads_batch" not in argv
    argv = server_argv(LocalModelSettings(n_threads=3, n_threads_batch=5), Path("/m.gguf"), 1)
    assert (_option(argv, "--n_threads"), _option(argv, "--n_threads_batch")) == ("3", "5")


def test_the_command_line_names_the_model_port_and_queues_requests() -> None:
    argv = server_argv(LocalModelSettings(n_ctx=2048, chat_format="chatml"), Path("/m.gguf"), 4321)
    assert argv[1:3] == ["-m", "llama_cpp.server"]
    assert _option(argv, "--model") == "/m.gguf" and _option(argv, "--port") == "4321"
    assert _option(argv, "--n_ctx") == "2048" and _option(argv, "--chat_format") == "chatml"
    assert _option(argv, "--interrupt_requests") == "False"
    assert "--api_key" not in argv  # the key goes through the environment, never argv
