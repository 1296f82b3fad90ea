"""The sandbox's pure parts: argv checks, the environment allow-list, the output cap, the
bwrap command line, the protected paths of a workspace, and the choice of sandbox."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pairpad.errors import Forbidden, Unavailable, Unprocessable
from pairpad.runtime.limits import rlimits
from pairpad.runtime.sandbox import (
    Sandbox,
    _Capture,
    child_environment,
    validate_argv,
)
from pairpad.runtime.settings import MiB, RuntimeSettings
from pairpad.workspace.protected import scan
from pairpad.workspace.visibility import VisibilityPolicy


@pytest.mark.parametrize(("argv", "message"), [
    ([], "non-empty list"),
    ("ls -la", "non-empty list"),
    (None, "non-empty list"),
    (["ls", 3], r"argv\[1\] is int"),
    (["ls", None], r"argv\[1\] is NoneType"),
    (["cat", "a\0b"], r"argv\[1\] contains a NUL"),
    ([""], "argv\\[0\\] \\(the program\\) is empty"),
    (["x"] * 5000, "at most 4096"),
])
def test_bad_argv_is_refused_with_why(argv: object, message: str) -> None:
    with pytest.raises(Unprocessable, match=message):
        validate_argv(argv)


def test_a_good_argv_is_kept_as_is() -> None:
    assert validate_argv(["bash", "-lc", "echo $HOME; rm -rf /"]) == [
        "bash", "-lc", "echo $HOME; rm -rf /"]


def test_the_environment_is_an_allow_list() -> None:
    source = {"PATH": "/usr/bin", "LANG": "en_US.UTF-8", "LC_CTYPE": "C", "TERM": "xterm",
              "OPENAI_API_KEY": "sk-1", "PAIRPAD_TOKEN": "t", "GITHUB_TOKEN": "g",
              "SSH_AUTH_SOCK": "/run/ssh", "LD_PRELOAD": "/evil.so", "HOME": "/root",
              "HTTPS_PROXY": "http://user:pw@proxy"}
    env = child_environment(source, HOME="/tmp/home")
    assert env == {"PATH": "/usr/bin", "LANG": "en_US.UTF-8", "LC_CTYPE": "C",
                   "TERM": "xterm", "HOME": "/tmp/home"}
    assert child_environment({}) == {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}


async def test_output_is_capped_with_a_marker_and_streamed() -> None:
    seen: list[tuple[str, str]] = []

    async def on_output(stream: str, text: str) -> None:
        seen.append((stream, text))

    capture = _Capture("stdout", 10, on_output)
    await capture.feed("héllo ".encode())  # 7 bytes
    await capture.feed(b"world and more")
    await capture.finish()
    assert capture.kept == "héllo wor".encode()
    assert capture.dropped == 11
    assert capture.text == ("héllo wor\n[pairpad: stdout cut here after 10 bytes; 11 more "
                            "bytes were read and dropped]\n")
    assert "".join(text for _, text in seen) == capture.text


async def test_a_character_split_between_reads_stays_whole() -> None:
    capture = _Capture("stderr", 100, None)
    data = "é".encode()
    await capture.feed(data[:1])
    await capture.feed(data[1:])
    await capture.finish()
    assert capture.text == "é"


def test_rlimits_follow_the_settings() -> None:
    settings = RuntimeSettings(cpu_s=5, memory_mb=256, file_size_mb=2, open_files=64)
    assert rlimits(settings) == {"CPU": 5, "AS": 256 * MiB, "FSIZE": 2 * MiB, "NOFILE": 64}


def _workspace(root: Path) -> Path:
    (root / ".git" / "hooks").mkdir(parents=True)
    (root / ".git" / "config").write_text("")
    (root / ".git" / "objects").mkdir()
    (root / ".vscode").mkdir()
    (root / "AGENTS.md").write_text("")
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".env").write_text("K=v")
    (root / ".env.example").write_text("K=")
    (root / "src" / "deep").mkdir(parents=True)
    (root / "src" / "deep" / "server.KEY").write_text("")
    (root / "src" / "main.py").write_text("")
    (root / ".aws").mkdir()
    (root / ".aws" / "credentials").write_text("")
    os.symlink(root / ".env", root / "link-to-env")
    return root


def test_protected_paths_are_the_control_files_and_the_secrets(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    found = scan(VisibilityPolicy(root, ["*.vault"]), limit=100)
    assert sorted(p.relative_to(root).as_posix() for p in found.readonly) == [
        ".git/config", ".git/hooks", ".github/workflows", ".vscode", "AGENTS.md"]
    assert sorted(p.relative_to(root).as_posix() for p in found.secret_files) == [
        ".env", "src/deep/server.KEY"]
    assert [p.relative_to(root).as_posix() for p in found.secret_dirs] == [".aws"]
    assert not found.overflow


def test_nested_control_files_count_but_not_inside_installed_packages(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    (root / "pkg" / "api").mkdir(parents=True)
    (root / "pkg" / "api" / "AGENTS.md").write_text("")
    (root / "pkg" / ".git" / "hooks").mkdir(parents=True)  # a nested repository
    (root / ".git" / "modules" / "lib" / "hooks").mkdir(parents=True)  # a submodule's
    (root / ".git" / "modules" / "lib" / "config").write_text("")
    (root / "node_modules" / "left-pad" / ".vscode").mkdir(parents=True)
    (root / "node_modules" / "left-pad" / ".env").write_text("K=v")
    found = scan(VisibilityPolicy(root), limit=100)
    readonly = {p.relative_to(root).as_posix() for p in found.readonly}
    assert {"pkg/api/AGENTS.md", "pkg/.git/hooks", ".git/modules/lib/hooks",
            ".git/modules/lib/config"} <= readonly
    assert not any(path.startswith("node_modules") for path in readonly)
    assert root / "node_modules" / "left-pad" / ".env" in found.secret_files


def test_too_many_secrets_overflow(tmp_path: Path) -> None:
    for index in range(5):
        (tmp_path / f"k{index}.pem").write_text("")
    assert scan(VisibilityPolicy(tmp_path), limit=3).overflow
    assert not scan(VisibilityPolicy(tmp_path), limit=5).overflow


def test_the_bwrap_command_line(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    root = _workspace(tmp_path / "ws")
    policy = VisibilityPolicy(root)
    data = tmp_path / "data"
    data.mkdir()
    box = Sandbox(root, RuntimeSettings(), hidden=[data])
    args = box._bwrap_args(network=False, protected=scan(policy, 100))
    line = " ".join(args)
    assert args[:2] == ["bwrap", "--unshare-all"] and "--share-net" not in args
    for flag in ("--die-with-parent", "--new-session", "--ro-bind / /", "--dev /dev",
                 "--proc /proc", "--tmpfs /tmp", "--tmpfs /dev/shm", "--tmpfs /run",
                 f"--bind {root} {root}", f"--ro-bind {root}/.git/hooks {root}/.git/hooks",
                 f"--ro-bind /dev/null {root}/.env", f"--tmpfs {root}/.aws"):
        assert flag in line, flag
    # The workspace is bound before what is masked inside it.
    assert line.index(f"--bind {root} {root}") < line.index(f"{root}/.env")
    assert args[-1] == "--"
    assert "--share-net" in box._bwrap_args(network=True, protected=None)


def test_network_needs_the_setting() -> None:
    box = Sandbox(Path("/"), RuntimeSettings(network=False))
    with pytest.raises(Forbidden, match=r"runtime\.network"):
        box.check_network(True)
    box.check_network(False)
    Sandbox(Path("/"), RuntimeSettings(network=True)).check_network(True)


@pytest.mark.parametrize("value", [0, -1, 3601])
def test_absurd_timeouts_are_refused(value: float) -> None:
    with pytest.raises(Unprocessable, match=r"runtime\.max_timeout_s"):
        Sandbox(Path("/"), RuntimeSettings(max_timeout_s=3600)).timeout(value)


def test_without_bwrap_it_falls_back_and_without_any_it_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap on PATH
    box = Sandbox(tmp_path, RuntimeSettings())
    status = box.status()
    assert "bwrap` is not installed" in status.detail
    from pairpad.runtime import landlock

    assert status.kind == ("landlock" if landlock.abi_version() >= 1 else "none")
    monkeypatch.setattr(landlock, "abi_version", lambda: 0)
    none = Sandbox(tmp_path, RuntimeSettings())
    assert none.status().kind == "none"
    with pytest.raises(Unavailable, match=r"runtime\.allow_unsandboxed"):
        none.check_runnable()
    assert Sandbox(tmp_path, RuntimeSettings(allow_unsandboxed=True)).check_runnable() == "none"


def test_launcher_options_round_trip() -> None:
    from pairpad.runtime.launch import Options, encode_options

    items = encode_options(cwd="/w s/a=b", rlimits={"CPU": 5, "NOFILE": 64}, cgroup="/cg/x",
                           package_root="/src", landlock_writable=["/w s/a=b", "/t"],
                           landlock_network=True, pid_namespace=False)
    options = Options(items)
    assert options.cwd == "/w s/a=b" and options.cgroup == "/cg/x"
    assert options.rlimits == {"CPU": 5, "NOFILE": 64}
    assert options.writable == ["/w s/a=b", "/t"] and options.network is True
    assert not options.pid_namespace
    assert Options(encode_options(cwd="/", rlimits={})).writable is None  # no Landlock
    with pytest.raises(ValueError, match="unknown launcher option"):
        Options(["shell=1"])


def test_a_hidden_folder_holding_the_workspace_is_not_masked(tmp_path: Path) -> None:
    from pairpad.runtime.sandbox import _mask

    aws = tmp_path / "home" / ".aws"
    (aws / "project").mkdir(parents=True)
    keys = tmp_path / "keys"
    keys.mkdir()
    assert _mask(aws, aws / "project") == []  # the user opened ~/.aws/project
    # Under /tmp (private in the sandbox anyway) unless inside the workspace.
    private = os.path.commonpath(["/tmp", keys]) == "/tmp"
    masked = ["--tmpfs", str(keys), "--remount-ro", str(keys)]
    assert _mask(keys, tmp_path / "ws") == ([] if private else masked)
    assert _mask(keys, tmp_path) == ["--tmpfs", str(keys), "--remount-ro", str(keys)]
    assert _mask(tmp_path / "missing", tmp_path) == []


def test_readonly_paths_are_absolute_and_bound_after_the_private_tmp(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="absolute"):
        RuntimeSettings(readonly_paths=[Path("venv")])
    box = Sandbox(tmp_path, RuntimeSettings(readonly_paths=[Path("/tmp/ci/.venv")]))
    line = " ".join(box._bwrap_args(network=False, protected=None))
    assert line.index("--tmpfs /tmp") < line.index("--ro-bind-try /tmp/ci/.venv /tmp/ci/.venv")
