"""Sandbox start overhead: `true` in the sandbox against a bare `true`, p50/p95 and ratio.

.venv/bin/python bench/sandbox.py [RUNS]

Both through asyncio's subprocess machinery with piped stdout/stderr, as a run is: the bare
one is `asyncio.create_subprocess_exec("true")`, the sandboxed one `Sandbox.run(["true"])`
(launcher + bwrap or Landlock, pids cgroup, protected-path scan of a small workspace, output
capture). Each sandbox this machine can run is measured.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import machine
from pairpad.runtime.sandbox import Sandbox
from pairpad.runtime.settings import RuntimeSettings
from pairpad.workspace.protected import scan
from pairpad.workspace.visibility import VisibilityPolicy


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def bare(runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            "true", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        await process.communicate()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def sandboxed(box: Sandbox, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = await box.run(["true"])
        assert result.exit_code == 0, result
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def line(label: str, samples: list[float]) -> str:
    return (f"{label:<12} p50 {statistics.median(samples):7.1f} ms   "
            f"p95 {percentile(samples, 0.95):7.1f} ms")


async def main(runs: int) -> None:
    print(machine())
    with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
        ws = Path(tmp)
        (ws / "src").mkdir()
        for index in range(50):
            (ws / "src" / f"m{index}.py").write_text("x = 1\n")
        (ws / ".env").write_text("K=v\n")
        (ws / ".git" / "hooks").mkdir(parents=True)
        policy = VisibilityPolicy(ws)
        await bare(10)  # warm-up
        base = await bare(runs)
        print(line("bare true", base))
        for kind in ("bubblewrap", "landlock"):
            box = Sandbox(ws, RuntimeSettings(sandbox=kind),  # type: ignore[arg-type]
                          protected=lambda limit: scan(policy, limit))
            if box.status().kind != kind:
                print(f"{kind:<12} cannot run here: {box.status().detail}")
                continue
            await sandboxed(box, 5)
            samples = await sandboxed(box, runs)
            ratio50 = statistics.median(samples) / statistics.median(base)
            ratio95 = percentile(samples, 0.95) / percentile(base, 0.95)
            print(line(kind, samples) + f"   ratio p50 {ratio50:5.1f}x  p95 {ratio95:5.1f}x"
                  f"   (processes bound: {box.status().processes_by})")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
