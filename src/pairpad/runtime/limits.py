"""Resource limits of a sandboxed run: rlimits, and the bound on its process count.

The process count is the hard one. RLIMIT_NPROC is per *user*, not per run: it counts every
task (threads included) of the user — the editor, the browser, the server itself — and the
kernel ignores it for root. So:

1. where a pids cgroup can be created (cgroup v1's `pids` hierarchy, or a cgroup v2 folder
   of ours with `pids` in its `cgroup.subtree_control` — e.g. a root server, or a systemd
   delegated unit), each run gets one with `pids.max = processes + launcher overhead`: a
   fork bomb gets EAGAIN at that count, and the whole run can be listed and killed;
2. else, for a non-root user, RLIMIT_NPROC = the user's current task count + `processes`
   (a fork bomb stops there; the server's own threads are already counted in it);
3. else (root without a writable pids cgroup): no process bound; the run still ends at its
   timeout with all its processes killed. `GET /api/runtime` says which (`limits.processes_by`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from pairpad.runtime.settings import MiB, RuntimeSettings

# The launcher, bwrap's outer process and its PID-namespace init count in pids.max too.
LAUNCHER_TASKS = 4
_V1_PIDS = Path("/sys/fs/cgroup/pids")
_UNIFIED_MOUNTS = (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified"))


def rlimits(settings: RuntimeSettings) -> dict[str, int]:
    """The rlimits the launcher sets in the child (name without RLIMIT_ -> soft = hard)."""
    return {
        "CPU": settings.cpu_s,
        "AS": settings.memory_mb * MiB,
        "FSIZE": settings.file_size_mb * MiB,
        "NOFILE": settings.open_files,
    }


def user_task_count(uid: int | None = None) -> int:
    """Tasks (threads included: RLIMIT_NPROC counts them) of `uid`, from /proc."""
    uid = os.getuid() if uid is None else uid
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid != uid:
                continue
            total += len(os.listdir(f"/proc/{entry.name}/task"))
        except OSError:
            continue
    return total


def _own_v2_cgroup() -> Path | None:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            if line.startswith("0::"):
                relative = line[3:].lstrip("/")
                for mount in _UNIFIED_MOUNTS:
                    candidate = mount / relative
                    if (candidate / "cgroup.subtree_control").is_file():
                        return candidate
    return None


def find_pids_parent() -> tuple[Path, str] | None:
    """A cgroup folder under which this process may create per-run pids cgroups, with its
    kind ("cgroup v1" / "cgroup v2"); None where there is none."""
    if (_V1_PIDS / "cgroup.procs").is_file() and os.access(_V1_PIDS, os.W_OK):
        return _V1_PIDS, "cgroup v1"
    own = _own_v2_cgroup()
    if own is not None and os.access(own, os.W_OK):
        with contextlib.suppress(OSError):
            if "pids" in (own / "cgroup.subtree_control").read_text().split():
                return own, "cgroup v2"
    return None


@dataclass
class PidsCgroup:
    """One run's pids cgroup: made before the run, emptied (SIGKILL) and removed after."""

    path: Path
    v2: bool

    @classmethod
    def create(cls, parent: Path, kind: str, name: str, max_pids: int) -> PidsCgroup:
        path = parent / name
        path.mkdir()
        try:
            (path / "pids.max").write_text(str(max_pids))
        except OSError:
            with contextlib.suppress(OSError):
                path.rmdir()
            raise
        return cls(path, kind == "cgroup v2")

    def pids(self) -> list[int]:
        try:
            text = (self.path / "cgroup.procs").read_text()
        except OSError:
            return []
        return [int(line) for line in text.split()]

    def kill_all(self) -> None:
        if self.v2:
            with contextlib.suppress(OSError):
                (self.path / "cgroup.kill").write_text("1")
        for _ in range(200):
            victims = self.pids()
            if not victims:
                return
            for pid in victims:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.005)

    def remove(self) -> None:
        self.kill_all()
        for _ in range(100):  # a killed task leaves the cgroup once reaped
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.01)
