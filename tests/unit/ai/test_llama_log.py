"""The llama.cpp log check behind tests/integration/test_local_completion.py, on sample logs:
it passes on what a stopped generation leaves and fails on what a continued one would."""

from __future__ import annotations

import pytest

from tests.support.llama_log import check_generation_stopped, finished_generations

PERF = """llama_perf_context_print:        load time =       0.42 ms
llama_perf_context_print: prompt eval time =     129.17 ms /     9 tokens (   14.35 ms per token,    69.67 tokens per second)
llama_perf_context_print:        eval time =   {ms:>9.2f} ms / {runs:>5} runs   (   14.39 ms per token,    69.51 tokens per second)
llama_perf_context_print:       total time =     265.01 ms /    16 tokens
"""  # noqa: E501 (llama.cpp's own lines)
DISCONNECT = ('INFO:     127.0.0.1:54874 - "POST /v1/completions HTTP/1.1" 200 OK\n'
              "Disconnected from client (via refresh/close) Address(host='127.0.0.1', "
              "port=45248)\n")


def test_a_stopped_generation_and_a_short_one_pass() -> None:
    log = DISCONNECT + PERF.format(ms=100.7, runs=7)
    assert finished_generations(log) == [7]
    check_generation_stopped(log, most_runs=16)


def test_a_generation_that_went_on_is_caught() -> None:
    # What a non-cancelled 1,500-token request leaves before the short one is served.
    log = DISCONNECT + PERF.format(ms=98765.4, runs=1499) + PERF.format(ms=100.7, runs=7)
    assert finished_generations(log) == [1499, 7]
    with pytest.raises(AssertionError, match="1499 tokens"):
        check_generation_stopped(log, most_runs=16)


def test_no_disconnect_or_no_finished_generation_is_caught() -> None:
    with pytest.raises(AssertionError, match="never saw the client leave"):
        check_generation_stopped(PERF.format(ms=100.7, runs=7), most_runs=16)
    with pytest.raises(AssertionError, match="no generation finished"):
        check_generation_stopped(DISCONNECT, most_runs=16)
