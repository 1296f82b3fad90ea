"""Reading the embedded llama.cpp server's log (`LocalModelServer.log_path`) in tests.

llama.cpp prints `llama_perf_context_print: eval time = … / N runs` once per generation, when
it finishes (N: the tokens it generated); a generation stopped because its client left prints
none. So after a cancelled long generation and one short one, every such line in the log has a
small N, and a long generation that went on shows up as a line with hundreds of runs. This
reads what happened, not how long it took (DESIGN §7: no wall-clock assertions).
"""

from __future__ import annotations

import re

_EVAL_RUNS = re.compile(r"llama_perf_context_print:\s+eval time =[^/\n]*/\s*(\d+) runs")
DISCONNECTED = "Disconnected from client"


def finished_generations(log: str) -> list[int]:
    """The tokens of every generation `log` shows finished, in order."""
    return [int(n) for n in _EVAL_RUNS.findall(log)]


def check_generation_stopped(log: str, most_runs: int) -> None:
    """Asserts that `log` (the part after a mark taken before the cancel) shows the client
    leaving, at least one finished generation, and none longer than `most_runs` tokens."""
    assert DISCONNECTED in log, f"llama.cpp never saw the client leave:\n{log[-2000:]}"
    runs = finished_generations(log)
    assert runs, f"no generation finished after the mark:\n{log[-2000:]}"
    assert max(runs) <= most_runs, (
        f"a generation of {max(runs)} tokens finished (at most {most_runs} expected): "
        f"llama.cpp went on generating after its client left; all: {runs}")
