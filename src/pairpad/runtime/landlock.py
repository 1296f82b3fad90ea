"""Landlock through ctypes: the fallback sandbox where bubblewrap cannot run.

Standard library only: the launcher (`runtime/launch.py`) imports it in the child before it
execs the command. A process restricts itself (`restrict_self`) and everything it then execs
or forks inherits the restriction; nothing can lift it.

What it enforces (per ABI version of the running kernel):
- file system (ABI 1+): read and execute everywhere; write, create, remove, rename and
  truncate only below the `writable` folders (the workspace and a private temp dir) and on
  a few device files (`/dev/null`, `/dev/zero`, `/dev/tty` …);
- TCP (ABI 4+): no bind, no connect (UDP and pathname Unix sockets are not covered by
  Landlock: bubblewrap's network namespace is the stronger sandbox);
- scopes (ABI 6+): no signal to, and no abstract Unix socket of, a process outside the
  sandbox; ptrace of (and so `/proc/<pid>/environ` of) outside processes is denied at any ABI.

It cannot hide one file inside a readable folder (rules only grant), so secret files and the
read-only control files of the workspace are *not* protected in Landlock mode — the API's
`detail` says so.
"""

from __future__ import annotations

import ctypes
import os
import sys

# x86_64 and aarch64 (asm-generic) share these numbers.
_SYS_CREATE_RULESET = 444
_SYS_ADD_RULE = 445
_SYS_RESTRICT_SELF = 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_REMOVE_DIR = 1 << 4
FS_REMOVE_FILE = 1 << 5
FS_MAKE_CHAR = 1 << 6
FS_MAKE_DIR = 1 << 7
FS_MAKE_REG = 1 << 8
FS_MAKE_SOCK = 1 << 9
FS_MAKE_FIFO = 1 << 10
FS_MAKE_BLOCK = 1 << 11
FS_MAKE_SYM = 1 << 12
FS_REFER = 1 << 13  # ABI 2
FS_TRUNCATE = 1 << 14  # ABI 3
FS_IOCTL_DEV = 1 << 15  # ABI 5
NET_BIND_TCP = 1 << 0  # ABI 4
NET_CONNECT_TCP = 1 << 1  # ABI 4
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
SCOPE_SIGNAL = 1 << 1  # ABI 6

_READ = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
_FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
DEVICE_FILES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty")


class _RulesetAttr(ctypes.Structure):
    _fields_ = (("handled_access_fs", ctypes.c_uint64),
                ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64))


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # __attribute__((packed)) in the kernel's header
    _fields_ = (("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32))


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def abi_version() -> int:
    """The kernel's Landlock ABI version; 0 when Landlock is unavailable (not built in, not
    enabled at boot, or not Linux)."""
    if not sys.platform.startswith("linux"):
        return 0
    try:
        version = int(_libc().syscall(_SYS_CREATE_RULESET, None, 0, _CREATE_RULESET_VERSION))
    except (OSError, AttributeError):
        return 0
    return max(version, 0)


def handled_fs(abi: int) -> int:
    rights = (1 << 13) - 1  # EXECUTE … MAKE_SYM
    if abi >= 2:
        rights |= FS_REFER
    if abi >= 3:
        rights |= FS_TRUNCATE
    if abi >= 5:
        rights |= FS_IOCTL_DEV
    return rights


def restrict_self(writable: list[str], *, network: bool) -> int:
    """Restrict this process (and what it execs) as the module docstring says; returns the
    ABI used. Raises OSError when Landlock is unavailable or a call fails."""
    abi = abi_version()
    if abi < 1:
        raise OSError("Landlock is not available on this kernel")
    libc = _libc()
    fs = handled_fs(abi)
    attr = _RulesetAttr(handled_access_fs=fs, handled_access_net=0, scoped=0)
    if abi >= 4 and not network:
        attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP  # no rule: none allowed
    if abi >= 6:
        attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
    size = ctypes.sizeof(_RulesetAttr) if abi >= 6 else 16  # older kernels: no `scoped`
    ruleset = int(libc.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), size, 0))
    if ruleset < 0:
        raise _errno_error("landlock_create_ruleset")
    try:
        _allow(libc, ruleset, "/", _READ)
        for path in writable:
            _allow(libc, ruleset, path, fs)
        for path in DEVICE_FILES:
            if os.path.exists(path):
                _allow(libc, ruleset, path, _FILE_RIGHTS & fs)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise _errno_error("prctl(PR_SET_NO_NEW_PRIVS)")
        if int(libc.syscall(_SYS_RESTRICT_SELF, ruleset, 0)) != 0:
            raise _errno_error("landlock_restrict_self")
    finally:
        os.close(ruleset)
    return abi


def _allow(libc: ctypes.CDLL, ruleset: int, path: str, rights: int) -> None:
    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        if not os.path.isdir(path):
            rights &= _FILE_RIGHTS  # a file takes only file rights (else EINVAL)
        rule = _PathBeneathAttr(allowed_access=rights, parent_fd=fd)
        if int(libc.syscall(_SYS_ADD_RULE, ruleset, _RULE_PATH_BENEATH,
                            ctypes.byref(rule), 0)) != 0:
            raise _errno_error(f"landlock_add_rule({path})")
    finally:
        os.close(fd)


def _errno_error(call: str) -> OSError:
    number = ctypes.get_errno()
    return OSError(number, f"{call} failed: {os.strerror(number)}")
