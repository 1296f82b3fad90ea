"""The command sandbox: run an argv list (never a shell string) confined to the workspace.

Every command the AI or a task asks for runs here (`POST /api/run`, `run:start`; later the
agent's `run_command` and the tasks). The user's own terminal does not.

Chain of processes: server → launcher (`runtime/launch.py`: cgroup, subreaper, rlimits,
Landlock) → `bwrap …` (bubblewrap mode) → the command.

**bubblewrap** (preferred): `--unshare-all` (own user, mount, PID, IPC, UTS, cgroup and —
unless the run asks for it and `runtime.network` allows it — network namespaces),
`--die-with-parent`, `--new-session` (no TIOCSTI into the server's terminal). The whole file
system is bound read-only (`--ro-bind / /`) rather than a curated list of /usr, /lib, /etc:
compilers and toolchains live anywhere (/opt, ~/.pyenv, ~/.cargo, nix), and a curated list
breaks them while protecting nothing more — what must not be *read* is masked instead:
private `/tmp`, `/dev/shm` and `/run` (tmpfs: no X11, D-Bus or Docker socket — Unix sockets
ignore network namespaces), the user's credential folders (`~/.ssh`, `~/.aws`, …) and
Pairpad's own data and config folders (the token, the database). Then the workspace is bound
read-write, its control files (`.git/hooks`, `.git/config`, `.pairpad/`, `.vscode/`,
`AGENTS.md` …, see workspace/protected.py) read-only over it, and each secret file of the
visibility policy replaced by an empty file (`/dev/null`) or folder (an empty read-only
tmpfs). More than `runtime.max_protected_paths` of them: the run is refused, since it could
not promise to hide them all.

**Landlock** (where bwrap cannot run: no user namespaces): see runtime/landlock.py — writes
only in the workspace and a private temp dir, no TCP on ABI ≥ 4; no masking of files.

**none**: refused unless `runtime.allow_unsandboxed` is on.

In every mode: rlimits (runtime/limits.py), a pids cgroup where one can be made, the
environment from an allow-list (`ENV_ALLOWED`: no API key, token or `PAIRPAD_*` variable),
`HOME` and `TMPDIR` private to the run, a wall-clock timeout after which the launcher kills
every process of the run (the process group, its re-parented daemons, the cgroup; in
bubblewrap mode also the whole PID namespace, whose init dies with bwrap), output capped per
stream (`runtime.output_bytes`: the rest is read and dropped, never buffered) and streamed
as it arrives.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import structlog

from pairpad.errors import Forbidden, Unavailable, Unprocessable
from pairpad.runtime import landlock
from pairpad.runtime.launch import encode_options
from pairpad.runtime.limits import (
    LAUNCHER_TASKS,
    PidsCgroup,
    find_pids_parent,
    rlimits,
    user_task_count,
)
from pairpad.runtime.process import describe_exit
from pairpad.runtime.settings import RuntimeSettings, SandboxKind

log = structlog.get_logger("pairpad.runtime.sandbox")

LAUNCHER = Path(__file__).with_name("launch.py")
PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the folder holding `pairpad/`
MAX_ARGS = 4096
MAX_ARGV_BYTES = 1024 * 1024
READ_SIZE = 64 * 1024
KILL_GRACE_S = 3.0
DRAIN_AFTER_EXIT_S = 2.0

# Variables a command may see; everything else (API keys, tokens, PAIRPAD_*, SSH_AUTH_SOCK,
# cloud credentials, proxies with passwords …) is dropped. HOME and TMPDIR are the run's own.
ENV_ALLOWED = frozenset({
    "PATH", "LANG", "LANGUAGE", "TERM", "TZ", "USER", "LOGNAME", "SHELL", "COLORTERM",
    "NO_COLOR", "EDITOR", "PAGER",
})
ENV_ALLOWED_PREFIXES = ("LC_",)
# Under the user's home: credentials a command never needs to read.
HOME_SECRETS = (
    ".ssh", ".aws", ".gnupg", ".azure", ".kube", ".docker", ".password-store", ".netrc",
    ".git-credentials", ".pypirc", ".npmrc", ".config/gcloud", ".config/gh", ".config/hub",
    ".config/pairpad", ".local/share/pairpad", ".cargo/credentials", ".cargo/credentials.toml",
    ".terraform.d/credentials.tfrc.json", ".vault-token",
)
# Replaced by private tmpfs in bubblewrap mode (so nothing below needs masking).
# (These are paths of the sandbox's own, empty tmpfs, not the host's shared /tmp.)
SANDBOX_TMP = "/tmp"  # noqa: S108
SANDBOX_HOME = "/tmp/home"  # noqa: S108
PRIVATE_ROOTS = (SANDBOX_TMP, "/dev/shm", "/run")  # noqa: S108


class Protected(Protocol):
    """Paths inside the workspace to protect (workspace/protected.py builds them)."""

    @property
    def readonly(self) -> list[Path]: ...
    @property
    def secret_files(self) -> list[Path]: ...
    @property
    def secret_dirs(self) -> list[Path]: ...
    @property
    def overflow(self) -> bool: ...


OutputCallback = Callable[[str, str], Awaitable[None]]  # (stream, text)


@dataclass(frozen=True)
class SandboxStatus:
    kind: SandboxKind
    detail: str
    landlock_abi: int
    processes_by: str  # "cgroup v1" | "cgroup v2" | "RLIMIT_NPROC" | "none"


@dataclass
class RunResult:
    exit_code: int | None
    signal: str | None
    stdout: str
    stderr: str
    truncated: bool
    timed_out: bool
    cancelled: bool
    duration_ms: int
    sandbox: SandboxKind


def validate_argv(argv: object) -> list[str]:
    """A non-empty list of strings without NUL (raises Unprocessable, 422, with why)."""
    if not isinstance(argv, list) or not argv:
        raise Unprocessable("argv must be a non-empty list of strings (the program and its "
                            "arguments; no shell string).")
    if len(argv) > MAX_ARGS:
        raise Unprocessable(f"argv has {len(argv)} items; at most {MAX_ARGS}.")
    size = 0
    for index, item in enumerate(argv):
        if not isinstance(item, str):
            raise Unprocessable(f"argv[{index}] is {type(item).__name__}, not a string.")
        if "\0" in item:
            raise Unprocessable(f"argv[{index}] contains a NUL character.")
        size += len(item.encode(errors="surrogateescape")) + 1
    if not argv[0]:
        raise Unprocessable("argv[0] (the program) is empty.")
    if size > MAX_ARGV_BYTES:
        raise Unprocessable(f"argv is {size} bytes; at most {MAX_ARGV_BYTES}.")
    return list(argv)


def child_environment(source: dict[str, str] | None = None, **own: str) -> dict[str, str]:
    """The allow-listed variables of `source` (the server's env), plus `own`."""
    source = dict(os.environ) if source is None else source
    env = {key: value for key, value in source.items()
           if key in ENV_ALLOWED or key.startswith(ENV_ALLOWED_PREFIXES)}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env.setdefault("LANG", "C.UTF-8")
    return {**env, **own}


class _Capture:
    """One output stream: keeps the first `cap` bytes, counts and drops the rest, decodes
    incrementally (a character split across reads stays whole) and streams what it keeps."""

    def __init__(self, name: str, cap: int, on_output: OutputCallback | None) -> None:
        self.name = name
        self.cap = cap
        self.kept = bytearray()
        self.dropped = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._on_output = on_output
        self._text: list[str] = []

    async def feed(self, chunk: bytes) -> None:
        room = self.cap - len(self.kept)
        keep = chunk[:room] if room > 0 else b""
        self.dropped += len(chunk) - len(keep)
        if keep:
            self.kept += keep
            await self._emit(self._decoder.decode(keep))

    async def finish(self) -> None:
        await self._emit(self._decoder.decode(b"", final=True))
        if self.dropped:
            await self._emit(f"\n[pairpad: {self.name} cut here after {self.cap} bytes; "
                             f"{self.dropped} more bytes were read and dropped]\n")

    async def _emit(self, text: str) -> None:
        if not text:
            return
        self._text.append(text)
        if self._on_output is not None:
            await self._on_output(self.name, text)

    @property
    def text(self) -> str:
        return "".join(self._text)


@dataclass
class _Run:
    process: asyncio.subprocess.Process
    cgroup: PidsCgroup | None
    temp: Path
    captures: list[_Capture] = field(default_factory=list)


class Sandbox:
    """Runs commands in the workspace under the best sandbox this machine offers."""

    def __init__(
        self,
        workspace: Path,
        settings: RuntimeSettings,
        protected: Callable[[int], Protected] | None = None,
        hidden: Sequence[Path] = (),
        python: str = sys.executable,
        siblings_root: Path | None = None,
    ) -> None:
        self.workspace = Path(os.path.realpath(workspace))
        # Team mode: the folder holding every team's workspaces; a command sees only its own.
        self._siblings_root = Path(os.path.realpath(siblings_root)) if siblings_root else None
        self.settings = settings
        self._protected = protected
        home = Path.home()
        self._hidden = [*(home / name for name in HOME_SECRETS), *hidden]
        self._python = python
        self._status: SandboxStatus | None = None
        self._running: set[asyncio.Task[object]] = set()

    # ---- what this machine offers ---------------------------------------------------

    async def start(self) -> None:
        await asyncio.to_thread(self.status)

    async def stop(self) -> None:
        for task in list(self._running):
            task.cancel()
        for task in list(self._running):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def status(self) -> SandboxStatus:
        """Probed once (bwrap: a real `bwrap … true`; Landlock: the ABI version)."""
        if self._status is None:
            self._status = self._probe()
            log.info("sandbox", kind=self._status.kind, detail=self._status.detail)
        return self._status

    def _probe(self) -> SandboxStatus:
        wanted = self.settings.sandbox
        abi = landlock.abi_version()
        processes_by = self._processes_by()
        reasons: list[str] = []
        if wanted in ("auto", "bubblewrap"):
            problem = self._bwrap_problem()
            if problem is None:
                version = _bwrap_version()
                return SandboxStatus(
                    "bubblewrap", f"{version}: own mount, PID, IPC, UTS, user and network "
                    "namespaces; the workspace writable, its control files read-only, its "
                    "secret files hidden, the rest of the system read-only.", abi, processes_by)
            reasons.append(f"bubblewrap: {problem}")
        if self._siblings_root is not None:
            reasons.append("Landlock: not used in team mode (it cannot hide the other "
                           "workspaces from a command)")
        elif wanted in ("auto", "landlock"):
            if abi >= 1:
                network = "TCP denied" if abi >= 4 else "network NOT restricted (ABI < 4)"
                return SandboxStatus(
                    "landlock", f"Landlock ABI {abi}: writes only in the workspace and a "
                    f"private temp dir; {network}; secret and control files inside the "
                    "workspace are NOT protected (Landlock cannot hide a file)."
                    + "".join(f" {reason}." for reason in reasons), abi, processes_by)
            reasons.append("Landlock: not available on this kernel")
        if wanted == "none":
            reasons.append("runtime.sandbox is 'none'")
        allowed = ("runtime.allow_unsandboxed is on: commands run unconfined"
                   if self.settings.allow_unsandboxed else
                   "commands are refused unless runtime.allow_unsandboxed is turned on")
        return SandboxStatus("none", "No sandbox (" + "; ".join(reasons) + f"): {allowed}.",
                             abi, processes_by)

    def _bwrap_problem(self) -> str | None:
        binary = shutil.which("bwrap")
        if binary is None:
            return "`bwrap` is not installed (Debian: apt-get install bubblewrap)"
        try:
            done = subprocess.run(
                [binary, "--unshare-all", "--die-with-parent", "--new-session", "--ro-bind",
                 "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", SANDBOX_TMP,
                 "--", "true"],
                capture_output=True, timeout=20, check=False, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"`bwrap … true` failed: {error}"
        if done.returncode != 0:
            message = done.stderr.decode(errors="replace").strip()[-300:]
            return f"`bwrap … true` {describe_exit(done.returncode)}: {message}"
        return None

    @staticmethod
    def _processes_by() -> str:
        found = find_pids_parent()
        if found is not None:
            return found[1]
        return "none" if os.getuid() == 0 else "RLIMIT_NPROC"

    def limits(self) -> dict[str, object]:
        s = self.settings
        return {
            "timeout_s": s.timeout_s, "max_timeout_s": s.max_timeout_s, "cpu_s": s.cpu_s,
            "memory_mb": s.memory_mb, "file_size_mb": s.file_size_mb,
            "open_files": s.open_files, "processes": s.processes,
            "processes_by": self.status().processes_by, "output_bytes": s.output_bytes,
        }

    # ---- checks ---------------------------------------------------------------------

    def timeout(self, timeout_s: float | None) -> float:
        if timeout_s is None:
            return min(self.settings.timeout_s, self.settings.max_timeout_s)
        if not timeout_s > 0 or timeout_s > self.settings.max_timeout_s:
            raise Unprocessable(f"timeout_s must be > 0 and at most "
                                f"{self.settings.max_timeout_s:g} (runtime.max_timeout_s); "
                                f"got {timeout_s:g}.")
        return float(timeout_s)

    def check_network(self, network: bool) -> None:
        if network and not self.settings.network:
            raise Forbidden("This run asks for the network, which the setting runtime.network "
                            "does not allow (it is off): turn it on in your config.toml "
                            "([runtime] network = true) or run without network.")

    def check_runnable(self) -> SandboxKind:
        status = self.status()
        if status.kind == "none" and not self.settings.allow_unsandboxed:
            raise Unavailable("No sandbox can run commands on this machine, so they are "
                              f"refused. {status.detail} Install bubblewrap, or turn on "
                              "runtime.allow_unsandboxed to run them unconfined.")
        return status.kind

    # ---- running --------------------------------------------------------------------

    async def run(
        self,
        argv: object,
        *,
        timeout_s: float | None = None,
        network: bool = False,
        on_output: OutputCallback | None = None,
        cancel: asyncio.Event | None = None,
        on_start: Callable[[], None] | None = None,
    ) -> RunResult:
        """Runs `argv`; raises Unprocessable (bad argv or limits), Forbidden (network not
        allowed) or Unavailable (no sandbox, too many files to protect) before starting."""
        args = validate_argv(argv)
        timeout = self.timeout(timeout_s)
        self.check_network(network)
        kind = self.check_runnable()
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            return await self._run(kind, args, timeout, network, on_output, cancel, on_start)
        finally:
            if task is not None:
                self._running.discard(task)

    async def _run(self, kind: SandboxKind, argv: list[str], limit_s: float, network: bool,
                   on_output: OutputCallback | None, cancel: asyncio.Event | None,
                   on_start: Callable[[], None] | None) -> RunResult:
        protected = None
        if kind == "bubblewrap" and self._protected is not None:
            protected = await asyncio.to_thread(self._protected,
                                                self.settings.max_protected_paths)
            if protected.overflow:
                raise Unavailable(
                    "The workspace has more secret and control files than the sandbox masks "
                    f"(runtime.max_protected_paths = {self.settings.max_protected_paths}), so "
                    "the run is refused: raise the setting, or move those files.")
        temp = Path(tempfile.mkdtemp(prefix="pairpad-run-"))
        started = time.monotonic()
        run = await self._spawn(kind, argv, network, protected, temp)
        if on_start is not None:
            on_start()
        timed_out = cancelled = False
        try:
            run.captures = [_Capture("stdout", self.settings.output_bytes, on_output),
                            _Capture("stderr", self.settings.output_bytes, on_output)]
            readers = [asyncio.create_task(_drain(stream, capture)) for stream, capture in
                       zip((run.process.stdout, run.process.stderr), run.captures, strict=True)]
            waiter = asyncio.create_task(run.process.wait())
            stopper = asyncio.create_task(cancel.wait() if cancel else asyncio.Event().wait())
            try:
                done, _ = await asyncio.wait({waiter, stopper}, timeout=limit_s,
                                             return_when=asyncio.FIRST_COMPLETED)
            finally:
                stopper.cancel()
            if waiter not in done:
                cancelled = stopper in done
                timed_out = not cancelled
                await _terminate(run)
            await waiter
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(run.process.pid, signal.SIGKILL)  # stragglers of the group
            if run.cgroup is not None:
                await asyncio.to_thread(run.cgroup.kill_all)
            _, pending = await asyncio.wait(readers, timeout=DRAIN_AFTER_EXIT_S)
            for reader in pending:  # a pipe held open by something that escaped the kill
                reader.cancel()
            for capture in run.captures:
                await capture.finish()
        except BaseException:
            await _terminate(run)
            raise
        finally:
            if run.cgroup is not None:
                await asyncio.to_thread(run.cgroup.remove)
            shutil.rmtree(temp, ignore_errors=True)
        code = run.process.returncode
        assert code is not None
        signal_name = None
        if code < 0:
            try:
                signal_name = signal.Signals(-code).name
            except ValueError:
                signal_name = f"signal {-code}"
        stdout, stderr = (capture.text for capture in run.captures)
        return RunResult(
            exit_code=code if code >= 0 else None, signal=signal_name, stdout=stdout,
            stderr=stderr, truncated=any(c.dropped for c in run.captures),
            timed_out=timed_out, cancelled=cancelled,
            duration_ms=round((time.monotonic() - started) * 1000), sandbox=kind)

    async def _spawn(self, kind: SandboxKind, argv: list[str], network: bool,
                     protected: Protected | None, temp: Path) -> _Run:
        home = temp / "home"
        home.mkdir()
        limits = rlimits(self.settings)
        cgroup = self._make_cgroup()
        if cgroup is None and os.getuid() != 0:
            limits["NPROC"] = user_task_count() + self.settings.processes + LAUNCHER_TASKS
        env = child_environment(HOME=str(home), TMPDIR=str(temp))
        inner = argv
        writable = None
        if kind == "bubblewrap":
            env = child_environment(HOME=SANDBOX_HOME, TMPDIR=SANDBOX_TMP)
            inner = [*self._bwrap_args(network, protected), *argv]
        elif kind == "landlock":
            writable = [str(self.workspace), str(temp)]
        options = encode_options(
            cwd=str(self.workspace), rlimits=limits,
            cgroup=str(cgroup.path) if cgroup is not None else None,
            package_root=str(PACKAGE_ROOT), landlock_writable=writable,
            landlock_network=network, pid_namespace=kind == "bubblewrap")
        command = [self._python, "-I", "-S", str(LAUNCHER), *options, "--", *inner]
        try:
            process = await asyncio.create_subprocess_exec(
                *command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, env=env, cwd=self.workspace, start_new_session=True)
        except BaseException:
            if cgroup is not None:
                cgroup.remove()
            raise
        return _Run(process, cgroup, temp)

    def _make_cgroup(self) -> PidsCgroup | None:
        found = find_pids_parent()
        if found is None:
            return None
        parent, kind = found
        try:
            return PidsCgroup.create(parent, kind, f"pairpad-run-{os.getpid()}-"
                                     f"{uuid.uuid4().hex[:12]}",
                                     self.settings.processes + LAUNCHER_TASKS)
        except OSError as error:
            log.warning("no pids cgroup for this run", error=str(error))
            return None

    def _bwrap_args(self, network: bool, protected: Protected | None) -> list[str]:
        ws = str(self.workspace)
        args = ["bwrap", "--unshare-all"]
        if network:
            args.append("--share-net")
        args += ["--die-with-parent", "--new-session", "--hostname", "pairpad-sandbox",
                 "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
        for private in PRIVATE_ROOTS:
            args += ["--tmpfs", private]
        if network:  # /etc/resolv.conf may point into /run (systemd-resolved)
            args += ["--ro-bind-try", "/run/systemd/resolve", "/run/systemd/resolve"]
        for path in self.settings.readonly_paths:  # the user's toolchains under /tmp
            args += ["--ro-bind-try", str(path), str(path)]
        args += ["--dir", SANDBOX_HOME]
        if self._siblings_root is not None:
            # An empty tmpfs over the other workspaces, then this one bound back into it.
            root = str(self._siblings_root)
            args += ["--tmpfs", root, "--dir", ws, "--bind", ws, ws, "--remount-ro", root]
        else:
            args += ["--bind", ws, ws]
        for path in self._hidden:
            args += _mask(path, self.workspace)
        if protected is not None:
            for path in protected.readonly:
                args += ["--ro-bind", str(path), str(path)]
            for path in protected.secret_files:
                args += ["--ro-bind", "/dev/null", str(path)]
            for path in protected.secret_dirs:
                args += ["--tmpfs", str(path), "--remount-ro", str(path)]
        return [*args, "--chdir", ws, "--"]


def _mask(path: Path, workspace: Path) -> list[str]:
    """bwrap arguments hiding `path` (a file or folder outside the private roots)."""
    try:
        real = Path(os.path.realpath(path))
        if not real.exists():
            return []
        is_dir = real.is_dir()
    except OSError:
        return []
    if os.path.commonpath([workspace, real]) == str(real):
        return []  # it holds the workspace (the user opened ~/.aws/x): masking would hide it
    inside_ws = os.path.commonpath([workspace, real]) == str(workspace)
    if not inside_ws and any(os.path.commonpath([root, real]) == root for root in PRIVATE_ROOTS):
        return []  # already private (a tmpfs)
    if is_dir:
        return ["--tmpfs", str(real), "--remount-ro", str(real)]
    return ["--ro-bind", "/dev/null", str(real)]


async def _drain(stream: asyncio.StreamReader | None, capture: _Capture) -> None:
    if stream is None:
        return
    while chunk := await stream.read(READ_SIZE):
        await capture.feed(chunk)


async def _terminate(run: _Run) -> None:
    """SIGTERM to the launcher (it SIGKILLs every process of the run, then itself); SIGKILL
    to the whole group if it has not ended after a grace period; then the cgroup."""
    process = run.process
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(asyncio.shield(process.wait()), KILL_GRACE_S)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
    if run.cgroup is not None:
        await asyncio.to_thread(run.cgroup.kill_all)


def _bwrap_version() -> str:
    try:
        done = subprocess.run(["bwrap", "--version"], capture_output=True, timeout=10,
                              check=False)
        return done.stdout.decode(errors="replace").strip() or "bubblewrap"
    except (OSError, subprocess.TimeoutExpired):
        return "bubblewrap"
