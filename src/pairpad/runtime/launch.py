"""The sandbox's launcher: run as `python -I -S launch.py KEY=VALUE… -- ARGV…`, never as a
shell. Standard library only and few imports (no json, re or typing: on a loaded 2-core
machine they cost ~80 ms per run), so it starts in ~25 ms.

Options (`encode_options` builds them): `cwd=PATH`, `cgroup=PATH`, `rlimit.NAME=N` (NAME
without RLIMIT_), `package_root=PATH`, `landlock.writable=PATH` (repeatable; present means
Landlock is applied), `landlock.network=0|1`, `pid_namespace=0|1`.

It is the process the server starts (and times out, and kills), between the server and the
command. `preexec_fn` is not safe in a threaded server, so what must happen in the child
between fork and exec happens here instead:

1. joins the run's pids cgroup (`cgroup`), so every process of the run is counted by its
   `pids.max` and can be found and killed;
2. becomes a child subreaper (unless the command runs in bwrap's PID namespace,
   `pid_namespace=1`): a command that daemonizes (setsid + double fork) is re-parented to the
   launcher, not to init, so it stays findable;
3. forks the command; in the child: default SIGPIPE/SIGXFSZ (Python ignores them, and an
   ignored disposition survives exec), the rlimits, Landlock when asked, chdir, exec;
4. waits; once the command has ended — or on SIGTERM/SIGINT/SIGHUP from the server — kills
   every descendant still alive (SIGKILL, repeated until none is left) and exits with the
   command's status (its signal re-raised on itself, so the server sees it as the command's).

A failure before exec is reported on stderr as `pairpad sandbox: …` with exit code 127.
"""

from __future__ import annotations

import os
import resource
import signal
import sys

_PR_SET_CHILD_SUBREAPER = 36
START_FAILED = 127


def _descendants(root: int) -> list[int]:
    """Every live descendant of `root`, parents before children (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
    found: list[int] = []
    queue = [root]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


class Options:
    def __init__(self, items: list[str]) -> None:
        self.cwd = "/"
        self.cgroup: str | None = None
        self.package_root = ""
        self.rlimits: dict[str, int] = {}
        self.writable: list[str] | None = None
        self.network = False
        self.pid_namespace = False
        for item in items:
            key, _, value = item.partition("=")
            if key == "cwd":
                self.cwd = value
            elif key == "cgroup":
                self.cgroup = value
            elif key == "package_root":
                self.package_root = value
            elif key.startswith("rlimit."):
                self.rlimits[key[len("rlimit."):]] = int(value)
            elif key == "landlock.writable":
                self.writable = [*(self.writable or []), value]
            elif key == "landlock.network":
                self.network = value == "1"
            elif key == "pid_namespace":
                self.pid_namespace = value == "1"
            else:
                raise ValueError(f"unknown launcher option {key!r}")


def encode_options(*, cwd: str, rlimits: dict[str, int], cgroup: str | None = None,
                   package_root: str = "", landlock_writable: list[str] | None = None,
                   landlock_network: bool = False, pid_namespace: bool = False) -> list[str]:
    """The launcher's options, for the server to put before `--`."""
    items = [f"cwd={cwd}", f"package_root={package_root}", f"pid_namespace={int(pid_namespace)}"]
    items += [f"rlimit.{name}={value}" for name, value in rlimits.items()]
    if cgroup:
        items.append(f"cgroup={cgroup}")
    if landlock_writable is not None:
        items += [f"landlock.writable={path}" for path in landlock_writable]
        items.append(f"landlock.network={int(landlock_network)}")
    return items


def _cgroup_pids(cgroup: str | None) -> list[int]:
    if not cgroup:
        return []
    try:
        with open(os.path.join(cgroup, "cgroup.procs")) as handle:
            return [int(line) for line in handle if line.strip()]
    except OSError:
        return []


def kill_all(cgroup: str | None) -> None:
    """SIGKILL every process of the run but this one, until none is left (a fork bomb
    forks while it is being killed, so one pass is not enough)."""
    me = os.getpid()
    for _ in range(200):
        victims = [pid for pid in {*_descendants(me), *_cgroup_pids(cgroup)} if pid != me]
        if not victims:
            return
        for pid in victims:
            try:  # noqa: SIM105 — contextlib costs an import
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        _reap()


def _reap() -> None:
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _child(options: Options, argv: list[str], report: int) -> None:
    try:
        for number in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGTERM,
                       signal.SIGHUP):
            signal.signal(number, signal.SIG_DFL)
        for name, value in options.rlimits.items():
            resource.setrlimit(getattr(resource, f"RLIMIT_{name}"), (value, value))
        if options.writable is not None:
            sys.path.insert(0, options.package_root)
            from pairpad.runtime.landlock import restrict_self

            restrict_self(options.writable, network=options.network)
        os.chdir(options.cwd)
        os.execvp(argv[0], argv)  # noqa: S606 — an argv list, by design no shell
    except BaseException as error:  # reported to the parent, which prints it
        os.write(report, f"{argv[0]}: {error}".encode(errors="replace"))
    os._exit(START_FAILED)


def main() -> None:
    if "--" not in sys.argv or sys.argv.index("--") == len(sys.argv) - 1:
        sys.stderr.write("usage: launch.py KEY=VALUE... -- ARGV...\n")
        sys.exit(2)
    split = sys.argv.index("--")
    options = Options(sys.argv[1:split])
    argv = sys.argv[split + 1:]
    cgroup = options.cgroup
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if cgroup:
        try:
            with open(os.path.join(cgroup, "cgroup.procs"), "w") as handle:
                handle.write(str(os.getpid()))
        except OSError as error:
            sys.stderr.write(f"pairpad sandbox: could not join the run's cgroup: {error}\n")
            sys.exit(START_FAILED)
    if not options.pid_namespace:  # in bwrap's PID namespace a daemon cannot get away
        import ctypes  # ~15 ms: only where it is needed

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)

    def stop(_number: int, _frame: object) -> None:
        kill_all(cgroup)
        os.kill(os.getpid(), signal.SIGKILL)  # reported as the command's end: killed

    # Before the fork: a SIGTERM that comes early must not kill the launcher alone (the
    # child restores the default dispositions before exec).
    for stop_signal in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(stop_signal, stop)
    read_end, write_end = os.pipe2(os.O_CLOEXEC)
    child = os.fork()
    if child == 0:
        os.close(read_end)
        _child(options, argv, write_end)
    os.close(write_end)

    failure = b""
    while chunk := os.read(read_end, 4096):
        failure += chunk
    os.close(read_end)
    status = 0
    while True:
        try:
            pid, raw = os.waitpid(-1, 0)
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        if pid == child:
            status = raw
            break
    kill_all(cgroup)  # what the command left behind: daemons, background jobs
    if failure:
        sys.stderr.write(f"pairpad sandbox: could not start {failure.decode(errors='replace')}\n")
        sys.exit(START_FAILED)
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        sys.stderr.flush()
        signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)
    sys.exit(os.waitstatus_to_exitcode(status) if not os.WIFSIGNALED(status) else 128)


if __name__ == "__main__":
    main()
