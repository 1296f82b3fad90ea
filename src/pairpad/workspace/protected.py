"""What a sandboxed command may not change or read inside the workspace.

- control files: what makes a later program (git, the editor, an AI agent, direnv) execute
  or obey something — `.git/hooks`, `.git/config`, `.pairpad/`, the editors' folders, the
  agents' rules and MCP configs. A prompt-injected command that rewrites one persists beyond
  its run, so the sandbox binds the existing ones read-only;
- secret files: those of the visibility policy (`.env*`, keys, `.ssh/` …), which the sandbox
  makes unreadable (an empty file or folder bound over each).

Only paths that exist can be bound over (a mount needs its mount point); `scan` lists them.
Names compare through `names.name_key`, as the `.git` guard does, so `.VSCode` counts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pairpad.workspace.names import is_git_dir_name, name_key
from pairpad.workspace.visibility import VisibilityPolicy

# At the workspace root: folders and files read-only in the sandbox.
CONTROL_NAMES = (
    ".pairpad", ".vscode", ".cursor", ".idea", ".devcontainer", ".claude", ".continue",
    ".windsurf", ".roo", ".zed", ".aider.conf.yml", ".clinerules", ".roomodes",
    ".cursorrules", ".windsurfrules", "AGENTS.md", "CLAUDE.md", "CLAUDE.local.md",
    "GEMINI.md", ".mcp.json", ".gitmodules", ".gitattributes",
)
# Below `.github/`.
GITHUB_CONTROL = ("copilot-instructions.md", "instructions", "prompts", "workflows")
# Below `.git/` (a folder; a `.git` file — a worktree — points elsewhere and is bound as is).
GIT_CONTROL = ("hooks", "config", "info")
_CONTROL_KEYS = {name_key(name) for name in CONTROL_NAMES}
_GITHUB_KEY = name_key(".github")
_GITHUB_CONTROL_KEYS = {name_key(name) for name in GITHUB_CONTROL}
# Installed packages: nothing reads control files from them, and an `npm ci` that replaces
# `node_modules` must not trip over a read-only mount inside it (secrets still count there).
_VENDORED_KEYS = {name_key(name) for name in (
    "node_modules", ".venv", "venv", "site-packages", ".tox", ".nox", "__pycache__")}


def is_control_path(rel: str) -> bool:
    """Whether a workspace-relative path is (or is inside) a control file: what the sandbox
    keeps read-only, and what an AI change may only write with the user's explicit consent.
    Any spelling a case-insensitive file system maps to the same name counts."""
    keys = [name_key(part) for part in rel.replace("\\", "/").split("/") if part not in ("", ".")]
    if not keys:
        return False
    if any(is_git_dir_name(key) for key in keys):
        return True
    if len(keys) >= 2 and keys[0] == _GITHUB_KEY and keys[1] in _GITHUB_CONTROL_KEYS:
        return True
    for depth, key in enumerate(keys):
        if _VENDORED_KEYS.intersection(keys[:depth]):
            return False
        if key in _CONTROL_KEYS:
            return True
    return False


@dataclass
class ProtectedPaths:
    readonly: list[Path] = field(default_factory=list)
    secret_files: list[Path] = field(default_factory=list)
    secret_dirs: list[Path] = field(default_factory=list)
    overflow: bool = False  # more than `limit` found: the caller must refuse the run

    @property
    def count(self) -> int:
        return len(self.readonly) + len(self.secret_files) + len(self.secret_dirs)


def scan(policy: VisibilityPolicy, limit: int) -> ProtectedPaths:
    """The existing control files and secret files of the workspace, at most `limit`.

    Control names count at any depth (agents read a nested `AGENTS.md`, a nested repository
    or submodule has its own hooks); `.github/` only at the root, where GitHub reads it."""
    root = policy.root
    found = ProtectedPaths()
    github = os.path.join(root, ".github")
    if os.path.isdir(github) and not os.path.islink(github):
        found.readonly += [Path(github, n) for n in GITHUB_CONTROL
                           if os.path.lexists(os.path.join(github, n))]
    _walk(policy, root, [], found, limit)
    found.readonly = [p for p in (_inside(root, path) for path in found.readonly) if p]
    if found.count > limit:
        found.overflow = True
    return found


def _inside(root: Path, path: Path) -> Path | None:
    """A control file as a mount sees it: a symlink by its target, kept only when that
    target exists inside the workspace (a mount over a dangling link would fail the run; one
    pointing outside is read-only there anyway)."""
    real = Path(os.path.realpath(path))
    if not real.exists() or os.path.commonpath([root, real]) != str(root) or real == root:
        return None
    return real


def _git_control(git_dir: str, found: ProtectedPaths) -> None:
    """A repository folder's hooks, config and info, and those of its submodules
    (`.git/modules/<name>/…`, nested as deep as the submodules are)."""
    found.readonly += [Path(git_dir, n) for n in GIT_CONTROL
                       if os.path.lexists(os.path.join(git_dir, n))]
    modules = os.path.join(git_dir, "modules")
    if not os.path.isdir(modules) or os.path.islink(modules):
        return
    for folder, dirs, _files in os.walk(modules):
        if "hooks" in dirs or "config" in os.listdir(folder):
            found.readonly += [Path(folder, n) for n in GIT_CONTROL
                               if os.path.lexists(os.path.join(folder, n))]
            dirs[:] = [d for d in dirs if d == "modules"]  # a module's own submodules only


def _walk(policy: VisibilityPolicy, folder: Path, parents: list[str], found: ProtectedPaths,
          limit: int) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if found.count > limit:
            return
        key = name_key(entry.name)
        try:
            is_link = entry.is_symlink()
            is_dir = not is_link and entry.is_dir(follow_symlinks=False)
        except OSError:
            continue
        if is_git_dir_name(entry.name):
            if is_dir and not _VENDORED_KEYS.intersection(parents):
                _git_control(entry.path, found)
            continue  # the repository's own files; a `.git` file (worktree) points elsewhere
        if key in _CONTROL_KEYS and not _VENDORED_KEYS.intersection(parents):
            found.readonly.append(Path(entry.path))
        if is_link:
            continue  # its target is masked where it is, if it is a secret
        parts = [*parents, key]
        if policy.secrets.matches_keys(parts, is_dir=is_dir):
            (found.secret_dirs if is_dir else found.secret_files).append(Path(entry.path))
        elif is_dir:
            _walk(policy, Path(entry.path), parts, found, limit)
