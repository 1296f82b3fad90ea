"""What an agent's tool call may do without asking: modes, control files, the allow-list.

- *ask*: read-only tools only; *edit*: file tools too, and every command asks; *auto*:
  commands whose parsed argv matches the allow-list run without asking.
- Writing, moving or deleting a control file (the sandbox's list, package-manager hooks and
  MCP configs) asks in every mode; `.git/` is refused outright; a path outside the
  workspace is refused.
- An approval is bound to the SHA-256 of the exact call (tool + arguments): the same call
  again may run on it; any change asks again.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pairpad.workspace.names import is_git_dir_name, name_key
from pairpad.workspace.protected import is_control_path

Mode = Literal["ask", "edit", "auto"]
MODES: tuple[Mode, ...] = ("ask", "edit", "auto")

READ_TOOLS = frozenset({"list_files", "read_file", "search_text", "search_code", "repo_map"})
FILE_TOOLS = frozenset({"edit_file", "write_file", "delete_file"})
COMMAND_TOOL = "run_command"
MCP_PREFIX = "mcp__"

# Beyond the sandbox's control files: what a package manager or a git hook runner executes.
_HOOK_NAMES = {name_key(n) for n in (
    ".npmrc", ".yarnrc", ".yarnrc.yml", ".pnpmfile.cjs", ".husky", ".pre-commit-config.yaml",
    ".envrc", "lefthook.yml", ".lefthook.yml", ".mcp.json", "mcp.json",
)}


class PathRefused(Exception):
    """A path the agent may not touch at all (outside the workspace, `.git`)."""


def normalise(raw: str) -> str:
    """A workspace-relative "/" path, or PathRefused naming why not."""
    if not isinstance(raw, str) or not raw.strip() or "\x00" in raw:
        raise PathRefused("the path is empty or not text")
    text = raw.strip().replace("\\", "/")
    if text.startswith("/") or (len(text) > 1 and text[1] == ":"):
        raise PathRefused(f"{raw} is an absolute path; give a path relative to the workspace")
    rel = posixpath.normpath(text)
    if rel == ".." or rel.startswith("../"):
        raise PathRefused(f"{raw} is outside the workspace")
    if rel == ".":
        return ""
    if any(is_git_dir_name(part) for part in rel.split("/")):
        raise PathRefused(f"{raw} is inside .git, which the agent may not change")
    return rel


def is_control(rel: str) -> bool:
    """A file whose change makes a later program (git, the editor, an agent, a package
    manager) execute or obey something: it always asks first."""
    if is_control_path(rel):
        return True
    return any(name_key(part) in _HOOK_NAMES for part in rel.split("/"))


def call_digest(tool: str, args: dict[str, Any]) -> str:
    """The hash an approval is bound to: the tool and its exact arguments."""
    canonical = json.dumps({"tool": tool, "args": args}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def matches_allowed(argv: Sequence[str], patterns: Sequence[Sequence[str]]) -> bool:
    """Whether `argv` matches one pattern word for word (`*`: any one word, a last `**`: any
    rest). Never a string prefix: `["pytest"]` does not allow `pytest; rm -rf ~` (one word
    that is not `pytest`) nor `pytest --rootdir=/` (a word more)."""
    for pattern in patterns:
        words = list(pattern)
        if words and words[-1] == "**":
            head = words[:-1]
            if len(argv) >= len(head) and _words_match(argv[:len(head)], head):
                return True
        elif len(argv) == len(words) and _words_match(argv, words):
            return True
    return False


def _words_match(argv: Sequence[str], words: Sequence[str]) -> bool:
    return all(w == "*" or w == a for a, w in zip(argv, words, strict=True))


def command_line(argv: Sequence[str]) -> str:
    """The argv as a shell would need it typed: what the user approves, exactly."""
    return shlex.join(argv)


Verdict = Literal["run", "ask", "refuse"]


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    risk: str = ""  # why it asks: command | control_file | mcp
    reason: str = ""  # refuse: the message the model gets; run: who allowed it


def offered(mode: Mode, tool: str) -> bool:
    """Whether the tool is offered to the model in this mode at all."""
    if tool in READ_TOOLS:
        return True
    return mode != "ask"


def decide(mode: Mode, tool: str, *, argv: Sequence[str] | None = None,
           control: bool = False, allowed: Sequence[Sequence[str]] = (),
           trusted: bool = False) -> Decision:
    """Whether a (well-formed) call runs, asks the user or is refused."""
    if not offered(mode, tool):
        return Decision("refuse", reason=f"{tool} is not available in ask mode (read-only); "
                        "answer from what you can read, or tell the user to switch to edit mode")
    if tool in READ_TOOLS:
        return Decision("run", reason="read-only")
    if tool in FILE_TOOLS:
        return Decision("ask", "control_file") if control else Decision("run", reason="mode")
    if tool == COMMAND_TOOL:
        if mode == "auto" and argv is not None and matches_allowed(argv, allowed):
            return Decision("run", reason="allow-list")
        return Decision("ask", "command")
    if tool.startswith(MCP_PREFIX):
        return Decision("run", reason="trusted") if trusted else Decision("ask", "mcp")
    return Decision("refuse", reason=f"unknown tool {tool}")
