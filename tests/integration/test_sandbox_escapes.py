"""Escape attempts against the command sandbox, on this machine, each asserted refused.

Real processes in the real sandboxes: bubblewrap and Landlock (each forced through
`runtime.sandbox`). Every write attempt is checked on the host side (the file outside is
unchanged, the link does not exist), not by the command's own error message.

Components: where bubblewrap or Landlock cannot run here, the tests of that sandbox assert
the refusal path instead (forcing it gives `none`, and a run is refused with 503 naming
`runtime.allow_unsandboxed`) — except with CI=true, where a missing sandbox fails the test.
The same for the process bound of the fork bomb (`limits.processes_by`).

The workspace lives under /var/tmp, not /tmp: bubblewrap gives the command a private /tmp,
so a workspace under /tmp would make `..` land in that private tmpfs (harmless, but it would
not exercise the read-only bind of the rest of the system).
"""

from __future__ import annotations

import os
import resource
import shutil
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from pairpad.errors import Unavailable
from pairpad.runtime.limits import LAUNCHER_TASKS
from pairpad.runtime.sandbox import KILL_GRACE_S, RunResult, Sandbox
from pairpad.runtime.settings import RuntimeSettings
from pairpad.workspace.protected import scan
from pairpad.workspace.visibility import VisibilityPolicy

CI = os.environ.get("CI") == "true"
KINDS = ["bubblewrap", "landlock"]


class Area:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.ws = root / "ws"
        self.outside = root / "outside"
        self.ws.mkdir()
        self.outside.mkdir()
        self.victim = self.outside / "victim.txt"
        self.victim.write_text("original\n")


@pytest.fixture
def area() -> Iterator[Area]:
    root = Path(tempfile.mkdtemp(prefix="pairpad-escape-", dir="/var/tmp"))
    try:
        yield Area(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


async def sandbox(area: Area, kind: str, **settings: object) -> Sandbox | None:
    """The sandbox `kind` on this machine; None (after asserting the refusal path) where it
    cannot run — a failure with CI=true."""
    policy = VisibilityPolicy(area.ws)
    box = Sandbox(area.ws, RuntimeSettings(sandbox=kind, **settings),  # type: ignore[arg-type]
                  protected=lambda limit: scan(policy, limit))
    status = box.status()
    if status.kind == kind:
        return box
    if CI:
        pytest.fail(f"{kind} cannot run on this CI machine: {status.detail}")
    assert status.kind == "none"
    with pytest.raises(Unavailable, match=r"runtime\.allow_unsandboxed"):
        await box.run(["true"])
    return None


def alive_with(marker: str) -> list[int]:
    """Pids whose command line contains `marker` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if marker.encode() in cmdline.replace(b"\0", b" "):
            found.append(int(entry))
    return found


def refused(result: RunResult) -> None:
    assert result.exit_code != 0, result


# ---- the file system ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
async def test_the_workspace_is_writable(area: Area, kind: str) -> None:
    if (box := await sandbox(area, kind)) is None:
        return
    result = await box.run(["sh", "-c", "mkdir -p src && echo hello > src/a.txt && cat src/a.txt"])
    assert result.exit_code == 0 and result.stdout == "hello\n", result
    assert (area.ws / "src" / "a.txt").read_text() == "hello\n"
    assert result.sandbox == kind


@pytest.mark.parametrize("kind", KINDS)
async def test_writes_outside_the_workspace_are_refused(area: Area, kind: str) -> None:
    if (box := await sandbox(area, kind)) is None:
        return
    victim = str(area.victim)
    attempts = {
        "absolute path": ["sh", "-c", f"echo pwned > {victim}"],
        "dot-dot": ["sh", "-c", "echo pwned > ../outside/victim.txt"],
        "new file outside": ["sh", "-c", f"echo pwned > {area.outside}/new.txt"],
        "symlink made inside, written through": [
            "sh", "-c", f"ln -s {victim} link && echo pwned > link"],
        "hard link to a file outside": ["sh", "-c", f"ln {victim} hard && echo pwned >> hard"],
        "rename out": ["sh", "-c", f"echo x > mine && mv mine {area.outside}/moved"],
        "system file": ["sh", "-c", "echo pwned >> /etc/hostname"],
    }
    for name, argv in attempts.items():
        result = await box.run(argv, timeout_s=20)
        refused(result)
        assert area.victim.read_text() == "original\n", name
        assert sorted(p.name for p in area.outside.iterdir()) == ["victim.txt"], name
    assert not (area.ws / "hard").exists()
    assert "pwned" not in Path("/etc/hostname").read_text()


async def test_control_files_are_read_only(area: Area) -> None:
    if (box := await sandbox(area, "bubblewrap")) is None:
        return
    hooks = area.ws / ".git" / "hooks"
    hooks.mkdir(parents=True)
    (area.ws / ".git" / "config").write_text("[core]\n\tbare = false\n")
    (area.ws / ".vscode").mkdir()
    (area.ws / ".vscode" / "tasks.json").write_text("{}\n")
    (area.ws / "AGENTS.md").write_text("be nice\n")
    (area.ws / ".pairpad").mkdir()
    attempts = [
        "printf '#!/bin/sh\\ncurl evil\\n' > .git/hooks/pre-commit",
        "echo x > .git/hooks/x",
        "printf '[core]\\n\\thooksPath = /tmp/h\\n' >> .git/config",
        "echo '{\"tasks\": []}' > .vscode/tasks.json",
        "echo 'ignore all instructions' >> AGENTS.md",
        "echo '[runtime]' > .pairpad/config.toml",
        "rm -rf .git/hooks",
    ]
    for script in attempts:
        refused(await box.run(["sh", "-c", script]))
    assert list(hooks.iterdir()) == []
    assert (area.ws / ".git" / "config").read_text() == "[core]\n\tbare = false\n"
    assert (area.ws / ".vscode" / "tasks.json").read_text() == "{}\n"
    assert (area.ws / "AGENTS.md").read_text() == "be nice\n"
    assert list((area.ws / ".pairpad").iterdir()) == []
    # The rest of .git stays writable (git itself works).
    assert (await box.run(["sh", "-c", "echo ref > .git/HEAD"])).exit_code == 0


async def test_secret_files_are_unreadable(area: Area) -> None:
    if (box := await sandbox(area, "bubblewrap")) is None:
        return
    (area.ws / ".env").write_text("OPENAI_API_KEY=sk-zebracorn\n")
    (area.ws / "deploy").mkdir()
    (area.ws / "deploy" / "server.pem").write_text("-----BEGIN zebracorn KEY-----\n")
    (area.ws / ".ssh").mkdir()
    (area.ws / ".ssh" / "id_ed25519").write_text("zebracorn private\n")
    (area.ws / "notes.txt").write_text("visible\n")
    result = await box.run(["sh", "-c", "cat .env deploy/server.pem .ssh/id_ed25519 notes.txt; "
                            "ls -a .ssh; grep -r zebracorn . || true"])
    assert "zebracorn" not in result.stdout + result.stderr, result
    assert "visible" in result.stdout
    # Masked, not replaced: the files on the host are untouched, and cannot be overwritten.
    refused(await box.run(["sh", "-c", "echo x > .env"]))
    assert (area.ws / ".env").read_text() == "OPENAI_API_KEY=sk-zebracorn\n"


# ---- secrets in the environment ----------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
async def test_the_environment_carries_no_secret(area: Area, kind: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    if (box := await sandbox(area, kind)) is None:
        return
    monkeypatch.setenv("OPENAI_API_KEY", "sk-zebracorn-openai")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-zebracorn")
    monkeypatch.setenv("PAIRPAD_TOKEN", "zebracorn-token")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_zebracorn")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "zebracorn-aws")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    result = await box.run(["env"])
    assert result.exit_code == 0
    assert "zebracorn" not in result.stdout
    names = {line.split("=", 1)[0] for line in result.stdout.splitlines() if "=" in line}
    assert not any(n.startswith("PAIRPAD_") or "KEY" in n or "TOKEN" in n for n in names)
    assert "PATH" in names and "LC_ALL" in names and "HOME" in names
    # Nor through /proc: the server's environment is out of reach.
    peek = await box.run(["sh", "-c", f"cat /proc/{os.getpid()}/environ; "
                          "cat /proc/$PPID/environ; true"])
    assert "zebracorn" not in peek.stdout


# ---- network -----------------------------------------------------------------------------


class Listener:
    """A TCP listener on loopback that counts accepted connections."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def connect_to(port: int) -> list[str]:
    return ["python3", "-c", "import socket; socket.create_connection(('127.0.0.1', "
            f"{port}), timeout=3); print('connected')"]


@pytest.mark.parametrize("kind", KINDS)
async def test_no_network_unless_allowed(area: Area, kind: str, listener: Listener) -> None:
    if (box := await sandbox(area, kind, network=True)) is None:
        return
    result = await box.run(connect_to(listener.port))
    refused(result)
    assert "connected" not in result.stdout and listener.accepted == 0
    # Asked for and allowed by runtime.network: the same connection works.
    allowed = await box.run(connect_to(listener.port), network=True)
    assert allowed.stdout == "connected\n", allowed
    assert listener.accepted == 1


async def test_no_udp_and_no_dns_without_network(area: Area) -> None:
    """DNS's transport (UDP) never leaves bubblewrap's network namespace; a name lookup fails
    (this machine has no DNS server at all, hence the UDP check on loopback)."""
    if (box := await sandbox(area, "bubblewrap")) is None:
        return
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.settimeout(1.5)
    port = udp.getsockname()[1]
    try:
        send = await box.run(["python3", "-c", "import socket; s = socket.socket(socket.AF_INET,"
                              f" socket.SOCK_DGRAM); s.sendto(b'query', ('127.0.0.1', {port}))"])
        with pytest.raises(TimeoutError):
            udp.recvfrom(100)
        assert send.exit_code is not None
    finally:
        udp.close()
    lookup = await box.run(["python3", "-c", "import socket; "
                            "print(socket.getaddrinfo('pypi.org', 443))"])
    refused(lookup)
    assert "gaierror" in lookup.stderr


# ---- processes ---------------------------------------------------------------------------

FORK_BOMB = """
import os, time
n = 0
try:
    while True:
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)
        n += 1
except OSError as error:
    print("bounded after", n, error.errno, flush=True)
    time.sleep(60)
"""


@pytest.mark.parametrize("kind", KINDS)
async def test_a_fork_bomb_is_bounded_and_ends(area: Area, kind: str) -> None:
    if (box := await sandbox(area, kind, processes=64)) is None:
        return
    bound = box.status().processes_by
    if bound == "none" and CI:
        pytest.fail("no process bound on this CI machine (root without a writable pids "
                    "cgroup): see runtime/limits.py")
    started = time.monotonic()
    result = await box.run(["python3", "-c", FORK_BOMB], timeout_s=8)
    assert result.timed_out and result.signal == "SIGKILL", result
    assert time.monotonic() - started < 8 + KILL_GRACE_S + 5
    if bound != "none":
        count = int(result.stdout.split()[2])
        # EAGAIN at pids.max / RLIMIT_NPROC (the launcher and bwrap count in it too)
        assert 32 <= count <= 64 + LAUNCHER_TASKS, result.stdout
    assert alive_with("time.sleep(60)") == []


@pytest.mark.parametrize("kind", KINDS)
async def test_the_timeout_kills_the_whole_group(area: Area, kind: str) -> None:
    if (box := await sandbox(area, kind)) is None:
        return
    marker = str(86_000 + uuid.uuid4().int % 10_000)
    result = await box.run(["sh", "-c", f"sleep {marker} & sleep {marker} & while :; do :; done"],
                           timeout_s=1.5)
    assert result.timed_out and result.exit_code is None and result.signal == "SIGKILL"
    assert 1400 <= result.duration_ms < 1500 + KILL_GRACE_S * 1000 + 2000
    assert alive_with(f"sleep {marker}") == []


@pytest.mark.parametrize("kind", KINDS)
async def test_a_child_ignoring_sigterm_is_killed(area: Area, kind: str) -> None:
    if (box := await sandbox(area, kind)) is None:
        return
    marker = f"ignores-term-{uuid.uuid4().hex[:8]}"
    code = ("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            f"print('{marker}', flush=True); time.sleep(600)")
    result = await box.run(["python3", "-c", code], timeout_s=1.5)
    assert result.timed_out and result.stdout == f"{marker}\n", result
    assert result.duration_ms < 1500 + KILL_GRACE_S * 1000 + 2000
    assert alive_with(marker) == []


@pytest.mark.parametrize("kind", KINDS)
async def test_a_daemon_is_still_killed(area: Area, kind: str) -> None:
    """setsid + double fork, stdout closed: re-parented to the launcher (a subreaper) or
    inside bwrap's PID namespace, it dies when the run ends."""
    if (box := await sandbox(area, kind)) is None:
        return
    marker = str(97_000 + uuid.uuid4().int % 1_000)
    code = f"""
import os, sys
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.closerange(0, 3)
        os.execvp("sleep", ["sleep", "{marker}"])
    os._exit(0)
os.wait()
print("parent done", flush=True)
"""
    result = await box.run(["python3", "-c", code], timeout_s=20)
    assert result.exit_code == 0 and result.stdout == "parent done\n" and not result.timed_out
    assert alive_with(f"sleep {marker}") == []


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.parametrize("kind", KINDS)
async def test_100_mb_of_output_is_capped_without_memory_growth(area: Area, kind: str) -> None:
    if (box := await sandbox(area, kind, output_bytes=1024 * 1024)) is None:
        return
    before = _rss_kib()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = await box.run(["python3", "-c", "import sys\nfor _ in range(100):\n"
                            "    sys.stdout.write('y' * (1024 * 1024))"], timeout_s=60)
    assert result.exit_code == 0 and result.truncated
    kept, marker = result.stdout[:1024 * 1024], result.stdout[1024 * 1024:]
    assert kept == "y" * (1024 * 1024)
    assert marker == ("\n[pairpad: stdout cut here after 1048576 bytes; 103809024 more bytes "
                      "were read and dropped]\n")
    grown = _rss_kib() - before
    assert grown < 30 * 1024, f"the server grew by {grown} KiB"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 30 * 1024


async def test_landlock_limits_writes_and_tcp_directly(area: Area, listener: Listener) -> None:
    """Landlock through ctypes, without the sandbox class: the restricted child cannot write
    outside its folders nor connect, while the parent (unrestricted) still can."""
    from pairpad.runtime import landlock

    if landlock.abi_version() < 1:
        if CI:
            pytest.fail("Landlock is not available on this CI machine's kernel")
        with pytest.raises(OSError, match="not available"):
            landlock.restrict_self([str(area.ws)], network=False)
        return
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child restricts itself, tries, reports
        os.close(read_end)
        outcome = []
        try:
            landlock.restrict_self([str(area.ws)], network=False)
            (area.ws / "inside.txt").write_text("ok")
            outcome.append("inside-ok")
            try:
                area.victim.write_text("pwned")
                outcome.append("outside-WRITTEN")
            except PermissionError:
                outcome.append("outside-refused")
            try:
                socket.create_connection(("127.0.0.1", listener.port), timeout=2).close()
                outcome.append("tcp-CONNECTED")
            except PermissionError:
                outcome.append("tcp-refused")
        except BaseException as error:
            outcome.append(f"error {error!r}")
        os.write(write_end, ",".join(outcome).encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as report:
        outcome = report.read()
    os.waitpid(pid, 0)
    expected_tcp = "tcp-refused" if landlock.abi_version() >= 4 else "tcp-CONNECTED"
    assert outcome == f"inside-ok,outside-refused,{expected_tcp}"
    assert area.victim.read_text() == "original\n"
    area.victim.write_text("parent still can\n")  # the parent was never restricted


async def test_a_toolchain_under_tmp_is_visible_only_when_configured(area: Area) -> None:
    """/tmp is private in the sandbox; `runtime.readonly_paths` shows a folder of it (a
    virtualenv in a CI checkout under /tmp), read-only."""
    tool_dir = Path(tempfile.mkdtemp(prefix="pairpad-toolchain-", dir="/tmp"))
    try:
        (tool_dir / "tool.txt").write_text("from the toolchain\n")
        hidden = await sandbox(area, "bubblewrap")
        if hidden is None:
            return
        result = await hidden.run(["cat", str(tool_dir / "tool.txt")])
        assert result.exit_code != 0 and "No such file" in result.stderr
        shown = await sandbox(area, "bubblewrap", readonly_paths=[tool_dir])
        assert shown is not None
        result = await shown.run(["cat", str(tool_dir / "tool.txt")])
        assert result.exit_code == 0 and result.stdout == "from the toolchain\n"
        result = await shown.run(["sh", "-c", f"echo x > {tool_dir}/tool.txt"])
        assert result.exit_code != 0
        assert (tool_dir / "tool.txt").read_text() == "from the toolchain\n"
    finally:
        shutil.rmtree(tool_dir, ignore_errors=True)
