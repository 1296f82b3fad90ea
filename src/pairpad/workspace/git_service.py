"""Source control of the workspace's git repository: status, a file at HEAD or in the index,
diffs, stage / unstage / discard of files and single hunks, commit, branches, init, pull and
push. Every call goes through `GitRunner` (workspace/git_run.py: argv, timeout, no hooks
unless asked); working-tree writes go through the file service (workspace/git_worktree.py).
Paths are workspace-relative and confined to it (the workspace may be a folder inside a
larger repository: only its part is shown and touched)."""

from __future__ import annotations

import asyncio
from typing import Literal

from pairpad.errors import BadRequest, Conflict, Forbidden, TooLarge, Unprocessable
from pairpad.events.bus import Publish
from pairpad.events.models import GitChanged
from pairpad.workspace.files import FileService
from pairpad.workspace.git_models import (
    Branch,
    BranchList,
    CommitResult,
    FileAtRef,
    FileDiff,
    GitOutput,
    GitStatus,
    Hunk,
)
from pairpad.workspace.git_patch import (
    ParsedDiff,
    find_hunk,
    parse_diff,
    revert_hunk,
    single_hunk_patch,
)
from pairpad.workspace.git_run import NETWORK_TIMEOUT_S, GitFailed, GitRunner, NotARepository
from pairpad.workspace.git_status import parse_status
from pairpad.workspace.git_worktree import WorktreeWriter
from pairpad.workspace.models import ChangeType
from pairpad.workspace.names import is_git_dir_name
from pairpad.workspace.paths import normalise
from pairpad.workspace.text import decode, is_binary

Ref = Literal["HEAD", "index"]
_DIFF = ("diff", "--no-ext-diff", "--no-textconv", "--no-color", "--unified=0", "--no-renames")
_CHANGE_TYPES: dict[str, ChangeType] = {"A": "added", "D": "deleted"}


class GitService:
    def __init__(self, files: FileService, events: Publish | None = None, *,
                 hooks_allowed: bool = True) -> None:
        self.root = files.paths.root
        # Team mode: a member must not run code as the server (hooks run unsandboxed).
        self.hooks_allowed = hooks_allowed
        self.git = GitRunner(self.root)
        self.files = files
        self.events = events
        self.worktree = WorktreeWriter(files)
        self._lock = asyncio.Lock()  # one index-changing command at a time

    # ---- reading -------------------------------------------------------------------

    async def prefix(self) -> str:
        """The workspace's folder inside its repository ("" or "sub/"); raises when the
        workspace is in no repository."""
        result = await self.git.run("rev-parse", "--show-prefix", check=False)
        if result.code != 0:
            raise NotARepository("The workspace is not a git repository: initialise one first")
        return result.stdout.decode(errors="surrogateescape").strip()

    async def status(self, ignored: bool = False) -> GitStatus:
        try:
            prefix = await self.prefix()
        except NotARepository:
            return GitStatus(repository=False)
        args = ["status", "--porcelain=v2", "-z", "--branch", "--untracked-files=all",
                "--ignored=matching" if ignored else "--ignored=no", "--", "."]
        try:
            result = await self.git.run(*args)
        except NotARepository:  # .git removed between the two commands
            return GitStatus(repository=False)
        return parse_status(result.stdout, prefix)

    async def file_at(self, raw: str, ref: Ref) -> FileAtRef:
        rel = self._path(raw)
        await self.prefix()
        spec = f"HEAD:./{rel}" if ref == "HEAD" else f":./{rel}"
        result = await self.git.run("cat-file", "blob", spec, check=False)
        if result.code != 0:
            return FileAtRef(path=rel, ref=ref, exists=False)
        data = result.stdout
        if len(data) > self.files.max_file_size:
            raise TooLarge(f"{rel} at {ref} is {len(data)} bytes; the limit is "
                           f"{self.files.max_file_size}")
        if is_binary(data):
            return FileAtRef(path=rel, ref=ref, exists=True, binary=True)
        return FileAtRef(path=rel, ref=ref, exists=True, content=decode(data).content)

    async def diff(self, raw: str, staged: bool) -> FileDiff:
        rel = self._path(raw)
        parsed, text = await self._parsed_diff(rel, staged)
        return FileDiff(path=rel, staged=staged, binary=parsed.binary,
                        hunks=[item.hunk for item in parsed.hunks], patch=text)

    async def _parsed_diff(self, rel: str, staged: bool) -> tuple[ParsedDiff, str]:
        await self.prefix()
        args = [*_DIFF, *(["--cached"] if staged else []), "--", rel]
        raw = (await self.git.run(*args)).stdout
        return parse_diff(raw), raw.decode(errors="replace")

    # ---- the index -----------------------------------------------------------------

    async def stage(self, paths: list[str]) -> GitStatus:
        rels = self._paths(paths)
        async with self._lock:
            await self.git.run("add", "--all", "--", *rels)
        return await self._changed("stage")

    async def unstage(self, paths: list[str]) -> GitStatus:
        rels = self._paths(paths)
        async with self._lock:
            if await self._has_head():
                await self.git.run("restore", "--staged", "--", *rels)
            else:  # before the first commit there is no HEAD to restore from
                await self.git.run("rm", "--cached", "-r", "-q", "--", *rels)
        return await self._changed("unstage")

    async def stage_hunk(self, raw: str, hunk: Hunk | int) -> GitStatus:
        return await self._apply_hunk(raw, hunk, staged=False, reason="stage")

    async def unstage_hunk(self, raw: str, hunk: Hunk | int) -> GitStatus:
        return await self._apply_hunk(raw, hunk, staged=True, reason="unstage")

    async def _apply_hunk(self, raw: str, hunk: Hunk | int, *, staged: bool,
                          reason: str) -> GitStatus:
        """Stage: a patch of that one hunk of index ↔ working tree, applied to the index;
        unstage: that hunk of HEAD ↔ index, applied to the index in reverse."""
        rel = self._path(raw)
        async with self._lock:
            parsed, _ = await self._parsed_diff(rel, staged)
            self._refuse_binary(parsed, rel)
            patch = single_hunk_patch(parsed, find_hunk(parsed, hunk), reverse=staged)
            await self.git.run("apply", "--cached", "--unidiff-zero", "--whitespace=nowarn",
                               *(["--reverse"] if staged else []), "-", data=patch)
        return await self._changed(reason)

    # ---- the working tree ----------------------------------------------------------

    async def discard(self, paths: list[str]) -> GitStatus:
        """Unstaged changes go back to the index's version; untracked files are deleted."""
        rels = self._paths(paths)
        async with self._lock:
            status = await self.status()
            untracked = {change.path for change in status.untracked}
            changed = {change.path: change.status for change in status.changes}
            for rel in rels:
                if rel in untracked:
                    await self.worktree.delete(rel)
                elif rel in changed:
                    await self._restore_from_index(rel)
        return await self._changed("discard")

    async def _restore_from_index(self, rel: str) -> None:
        data = (await self.git.run("cat-file", "blob", f":./{rel}")).stdout
        if not await self.worktree.write_bytes(rel, data):
            existed = self.worktree.exists(rel)
            await self.git.run("checkout", "--", rel)
            await self.worktree.announce([("modified" if existed else "added", rel)])

    async def discard_hunk(self, raw: str, hunk: Hunk | int) -> GitStatus:
        """The working tree's file with that one change (index ↔ working tree) taken out,
        written through the file service."""
        rel = self._path(raw)
        async with self._lock:
            parsed, _ = await self._parsed_diff(rel, staged=False)
            self._refuse_binary(parsed, rel)
            item = find_hunk(parsed, hunk)
            current = await asyncio.to_thread((self.root / rel).read_bytes)
            if not await self.worktree.write_bytes(rel, revert_hunk(current, item)):
                raise Unprocessable(f"{rel} is binary: discard the whole file")
        return await self._changed("discard")

    # ---- commits and branches ------------------------------------------------------

    async def commit(self, message: str, hooks: bool = False) -> CommitResult:
        if hooks and not self.hooks_allowed:
            raise Forbidden("Git hooks do not run on this server: they would run outside the "
                            "sandbox as the server's user. Commit without them.")
        if not message.strip():
            raise Unprocessable("The commit message is empty: write what the commit does")
        async with self._lock:
            await self.prefix()
            staged = await self.git.run("diff", "--cached", "--quiet", "--no-ext-diff",
                                        check=False)
            if staged.code == 0:
                raise Conflict("Nothing is staged: stage the changes to commit first")
            await self.git.run("commit", "--quiet", "--cleanup=strip", "-F", "-",
                               data=message.encode(), hooks=hooks)
            head = (await self.git.run("log", "-1", "--format=%H%x00%s")).stdout.decode()
        commit, _, summary = head.strip().partition("\0")
        await self._changed("commit")
        return CommitResult(commit=commit, summary=summary)

    async def branches(self) -> BranchList:
        await self.prefix()
        result = await self.git.run(
            "for-each-ref", "--format=%(HEAD)%00%(refname:short)%00%(upstream:short)%00"
            "%(objectname)", "refs/heads")
        branches = []
        for line in result.stdout.decode(errors="replace").splitlines():
            head, name, upstream, commit = line.split("\0")
            branches.append(Branch(name=name, current=head == "*", upstream=upstream or None,
                                   commit=commit))
        status = await self.status()
        return BranchList(current=status.branch, branches=branches)

    async def switch(self, name: str, create: bool = False) -> BranchList:
        """Checks out a branch (`create`: a new one at HEAD). git refuses when local changes
        would be overwritten (409, its message); the files the switch changed on disk are
        announced as the user's changes, so open editors reload them."""
        if not name.strip() or name.startswith("-"):
            raise Unprocessable(f"Not a branch name: {name!r}")
        async with self._lock:
            await self.prefix()
            before = await self._head()
            check = await self.git.run("check-ref-format", "--branch", name, check=False)
            if check.code != 0:
                raise Unprocessable(f"{name!r} is not a valid branch name")
            await self.git.run("switch", *(["--create"] if create else []), name)
            after = await self._head()
            if before and after and before != after:
                await self.worktree.announce(await self._changed_between(before, after))
        await self._changed("switch")
        return await self.branches()

    async def _changed_between(self, before: str, after: str) -> list[tuple[ChangeType, str]]:
        result = await self.git.run("diff", "--name-status", "--no-renames", "-z", "--relative",
                                    before, after, "--", ".")
        fields = result.stdout.decode(errors="surrogateescape").split("\0")
        return [(_CHANGE_TYPES.get(kind, "modified"), path)
                for kind, path in zip(fields[::2], fields[1::2], strict=False) if path]

    async def init(self) -> GitStatus:
        status = await self.status()
        if status.repository:
            raise Conflict("The workspace is already in a git repository")
        async with self._lock:
            await self.git.run("init", "--quiet")
        return await self._changed("init")

    async def pull(self) -> GitOutput:
        return await self._remote("pull", "--ff-only")

    async def push(self) -> GitOutput:
        return await self._remote("push")

    async def _remote(self, command: str, *args: str) -> GitOutput:
        await self.prefix()
        async with self._lock:
            before = await self._head()
            result = await self.git.run(command, *args, limit_s=NETWORK_TIMEOUT_S)
            after = await self._head()
            if command == "pull" and before and after and before != after:
                await self.worktree.announce(await self._changed_between(before, after))
        await self._changed(command)
        text = (result.stdout.decode(errors="replace") + "\n" + result.stderr).strip()
        return GitOutput(output=text)

    # ---- helpers -------------------------------------------------------------------

    async def _head(self) -> str | None:
        result = await self.git.run("rev-parse", "--verify", "--quiet", "HEAD", check=False)
        return result.stdout.decode().strip() or None

    async def _has_head(self) -> bool:
        return await self._head() is not None

    async def _changed(self, reason: str) -> GitStatus:
        if self.events is not None:
            await self.events.publish(GitChanged(reason=reason))
        return await self.status()

    def _refuse_binary(self, parsed: ParsedDiff, rel: str) -> None:
        if parsed.binary:
            raise Unprocessable(f"{rel} is binary: it has no hunks; stage or discard the file")

    def _paths(self, paths: list[str]) -> list[str]:
        if not paths:
            raise Unprocessable("No paths given")
        return [self._path(raw) for raw in paths]

    def _path(self, raw: str) -> str:
        rel = normalise(raw)
        if not rel:
            raise BadRequest("A file path is needed, not the workspace root")
        if any(is_git_dir_name(part) for part in rel.split("/")):
            raise Forbidden("Refusing a path inside .git: it is managed by git")
        return rel


__all__ = ["GitFailed", "GitService"]
