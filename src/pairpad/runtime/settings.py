"""Settings of the command sandbox (`[runtime]` in config.toml, `PAIRPAD_RUNTIME__*` in env).

A workspace's own `.pairpad/config.toml` cannot set any of these (config_workspace.py lists
no `runtime` key): a cloned repository must not turn the network or unsandboxed runs on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator

MiB = 1024 * 1024

SandboxKind = Literal["bubblewrap", "landlock", "none"]


class RuntimeSettings(BaseModel):
    sandbox: Literal["auto", "bubblewrap", "landlock", "none"] = Field(
        default="auto",
        description="Which sandbox runs commands: auto (bubblewrap, else Landlock, else none), "
        "or one of them forced (a forced one that cannot run is reported, not replaced).")
    network: bool = Field(
        default=False, description="Sandboxed commands may use the network when they ask for "
        "it (`network: true` in a run request). Off: no network at all (own network "
        "namespace, or Landlock's TCP rules).")
    allow_unsandboxed: bool = Field(
        default=False, description="Run commands without a sandbox where neither bubblewrap "
        "nor Landlock works. Off: such runs are refused (503).")
    timeout_s: float = Field(default=60.0, gt=0, description="Default wall-clock limit of a run.")
    max_timeout_s: float = Field(default=3600.0, gt=0,
                                 description="The largest `timeout_s` a run may ask for.")
    cpu_s: int = Field(default=600, ge=1, description="RLIMIT_CPU of a run's processes "
                       "(each process: SIGXCPU, then SIGKILL).")
    memory_mb: int = Field(default=4096, ge=64, description="RLIMIT_AS (address space) per "
                           "process, in MiB.")
    file_size_mb: int = Field(default=1024, ge=1, description="RLIMIT_FSIZE: the largest "
                              "file a run may write, in MiB.")
    open_files: int = Field(default=1024, ge=16, description="RLIMIT_NOFILE per process.")
    processes: int = Field(default=256, ge=8, description="Processes (and threads) a run "
                           "may have at once: pids.max of its cgroup where one can be made, "
                           "else RLIMIT_NPROC above the user's current count.")
    output_bytes: int = Field(default=1 * MiB, ge=1024, description="Bytes kept per stream "
                              "(stdout, stderr); the rest is read and dropped, and a marker "
                              "says where it was cut.")
    max_protected_paths: int = Field(
        default=512, ge=1, description="Most secret and control files masked per run; past "
        "it the run is refused (it cannot promise to hide them all).")
    readonly_paths: list[Path] = Field(
        default_factory=list, description="Absolute paths made visible, read-only, inside "
        "the sandbox's private /tmp, /dev/shm or /run (a toolchain or virtualenv that lives "
        "under /tmp, e.g. in a CI checkout). Elsewhere the whole system is readable anyway.")

    @field_validator("readonly_paths")
    @classmethod
    def _absolute(cls, paths: list[Path]) -> list[Path]:
        for path in paths:
            if not path.is_absolute():
                raise ValueError(f"runtime.readonly_paths needs absolute paths, not {path}")
        return paths


class TerminalSettings(BaseModel):
    """The integrated terminal (`[terminal]` in config.toml, `PAIRPAD_TERMINAL__*` in env).

    The user's own shell, not sandboxed: a workspace's `.pairpad/config.toml` cannot set any
    of these (config_workspace.py lists no `terminal` key), so a cloned repository cannot
    pick the program every new terminal runs.
    """

    shell: str | None = Field(
        default=None, description="Program a new terminal runs (an absolute path). Unset: "
        "$SHELL, else /bin/bash, else /bin/sh.")
    scrollback_chars: int = Field(
        default=256 * 1024, ge=1024, le=16 * MiB, description="Characters of output kept "
        "per terminal for a client that reattaches (after a reload); older output is "
        "dropped from the front.")
    grace_s: float = Field(
        default=300.0, gt=0, description="Seconds a terminal lives on once no client holds "
        "it (all closed or disconnected); a reattach within them keeps it.")
    max_terminals: int = Field(default=16, ge=1, le=256,
                               description="Terminals open at once (exited ones included).")
