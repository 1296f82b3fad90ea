"""Runs the `git` command for the workspace's repository: argv lists, a timeout, no shell.

Every call gets a predictable environment: no system config (`GIT_CONFIG_NOSYSTEM`), none of
the server's own `GIT_*` variables (a `GIT_DIR` or `GIT_INDEX_FILE` inherited from whoever
started Pairpad would point git elsewhere), no pager, no terminal prompt and no controlling
terminal (a push that needs a password fails with git's message instead of hanging), the C
locale (git's messages are matched below). The user's global config stays: it holds their
name and e-mail. Hooks are off unless a caller asks (`hooks=True`): a repository can point
`core.hooksPath` at a folder of its working tree, which an agent may write, and hooks run
outside the command sandbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from pairpad.errors import Conflict, InternalError, NotFound, PairpadError, Unprocessable

LOCAL_TIMEOUT_S = 30.0
NETWORK_TIMEOUT_S = 120.0
# The user's own credentials helpers and SSH settings still apply to pull and push.
_KEPT_GIT_VARIABLES = frozenset({
    "GIT_SSH", "GIT_SSH_COMMAND", "GIT_ASKPASS", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL",
    "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL",
})
_NO_HOOKS = ("-c", f"core.hooksPath={os.devnull}")
# Paths are file names, never glob patterns (a file called `*.py` is that file alone).
_FIXED = ("--literal-pathspecs", "-c", "core.pager=cat", "-c", "color.ui=false",
          "-c", "core.quotePath=false", "-c", "advice.detachedHead=false")


class GitFailed(PairpadError):
    """git ran and refused; `detail` is its own message."""

    status_code = 409


class NotARepository(NotFound):
    pass


@dataclass(frozen=True)
class GitResult:
    code: int
    stdout: bytes
    stderr: str


def git_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GIT_") or k in _KEPT_GIT_VARIABLES}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0", GIT_PAGER="cat",
               LC_ALL="C", LANGUAGE="C", GIT_OPTIONAL_LOCKS="0")
    env.pop("SSH_ASKPASS", None)
    return env


class GitRunner:
    """git in the workspace root, one process per call."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.executable = shutil.which("git")

    async def run(self, *args: str, data: bytes | None = None, check: bool = True,
                  hooks: bool = False, limit_s: float = LOCAL_TIMEOUT_S,
                  env: dict[str, str] | None = None) -> GitResult:
        if self.executable is None:
            raise InternalError("git is not installed: install git to use source control")
        argv = [self.executable, *_FIXED, *(() if hooks else _NO_HOOKS), *args]
        environment = git_environment() | (env or {})
        process = await asyncio.create_subprocess_exec(
            *argv, cwd=self.root, env=environment, start_new_session=True,
            stdin=asyncio.subprocess.PIPE if data is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            out, err = await asyncio.wait_for(process.communicate(data), limit_s)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            raise GitFailed(f"git {args[0]} did not finish within {limit_s:.0f} s; it was "
                            "stopped") from None
        result = GitResult(process.returncode or 0, out, err.decode(errors="replace").strip())
        if check and result.code != 0:
            raise failure(args[0], result)
        return result


def failure(command: str, result: GitResult) -> PairpadError:
    """git's own message, as the error of the status that fits it."""
    message = result.stderr or result.stdout.decode(errors="replace").strip()
    detail = f"git {command} failed: {message or f'exit code {result.code}'}"
    lowered = message.lower()
    if "not a git repository" in lowered:
        return NotARepository("The workspace is not a git repository: initialise one first")
    if "pathspec" in lowered and "did not match" in lowered:
        return NotFound(detail)
    if "is not a valid branch name" in lowered or "not a valid object name" in lowered:
        return Unprocessable(detail)
    if "already exists" in lowered or "would be overwritten" in lowered:
        return Conflict(detail)
    return GitFailed(detail)
