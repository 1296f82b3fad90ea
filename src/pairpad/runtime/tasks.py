"""Workspace tasks (test, lint, format, build …): listed, approved, run in the sandbox, and
their output parsed into the problems of the source `task:<name>`.

Rules: every task runs in the sandbox (bubblewrap or Landlock), never unconfined, whatever
`runtime.allow_unsandboxed` says; without the network; with the sandbox's default timeout
or the task's own `timeout_s`. A task from the workspace's `.pairpad/config.toml` (a file
the user may not have written) runs only when the user approved its exact argv
(task_approvals.py); detected ones are Pairpad's own choice and need no approval. A run
that ends (not cancelled, not failed to start) replaces its source's problems.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from pairpad.errors import Conflict, NotFound, PairpadError, Unavailable
from pairpad.events.models import Problem
from pairpad.runtime.problem_board import ProblemBoard
from pairpad.runtime.problems import normalise, parse
from pairpad.runtime.runs import RunService
from pairpad.runtime.sandbox import RunResult
from pairpad.runtime.settings import SandboxKind
from pairpad.runtime.task_approvals import TaskApprovals, argv_digest
from pairpad.runtime.task_detect import CONFIG_FILE, Task, TaskList, load_tasks


class NeedsApproval(PairpadError):
    """428: a config task whose argv the user has not approved (yet, or since it changed)."""

    status_code = 428


@dataclass(frozen=True)
class TaskView:
    task: Task
    approved: bool


@dataclass(frozen=True)
class Listing:
    tasks: list[TaskView]
    config_error: str | None
    sandbox: SandboxKind


def problem_source(name: str) -> str:
    return f"task:{name}"


class TaskService:
    def __init__(self, root: Path, runs: RunService, approvals: TaskApprovals,
                 problems: ProblemBoard, shown: Callable[[str], bool]) -> None:
        """`shown(rel)`: whether a problem at this workspace path may be shown (not secret
        or hidden by the visibility policy)."""
        self.root = Path(os.path.realpath(root))
        self.runs = runs
        self.approvals = approvals
        self.problems = problems
        self._shown = shown

    async def _load(self) -> TaskList:
        return await asyncio.to_thread(load_tasks, self.root)

    async def listing(self) -> Listing:
        tasks = await self._load()
        approved = await self.approvals.approved()
        status = await asyncio.to_thread(self.runs.sandbox.status)
        views = [TaskView(task, task.source == "detected" or
                          approved.get(task.name) == argv_digest(task.argv))
                 for task in tasks.tasks]
        return Listing(views, tasks.config_error, status.kind)

    async def _find(self, name: str) -> Task:
        tasks = await self._load()
        task = tasks.get(name)
        if task is None:
            known = ", ".join(t.name for t in tasks.tasks) or "none"
            extra = f" ({tasks.config_error})" if tasks.config_error else ""
            raise NotFound(f"No task {name!r} in this workspace; its tasks: {known}.{extra}")
        return task

    async def approve(self, name: str, argv: list[str]) -> None:
        """The user allows the task `name` to run with exactly `argv` (409 when the file
        now says something else: they must look again)."""
        task = await self._find(name)
        if list(task.argv) != argv:
            raise Conflict(f"The task {name!r} is now {list(task.argv)} in {CONFIG_FILE}, not "
                           "the argv approved; look at it again and approve that one.")
        if task.source == "config":
            await self.approvals.approve(name, argv)

    async def runnable(self, name: str) -> Task:
        """The task, checked: approved if it comes from the config (else 428) and a real
        sandbox to run it (else 503)."""
        task = await self._find(name)
        if task.source == "config" and not await self.approvals.is_approved(name, task.argv):
            raise NeedsApproval(
                f"The task {name!r} comes from the workspace's {CONFIG_FILE}, which you may "
                f"not have written: approve its command {list(task.argv)} first "
                "(POST /api/tasks/approve, or run it from the command palette).",
                task=_summary(task))
        status = await asyncio.to_thread(self.runs.sandbox.status)
        if status.kind == "none":
            raise Unavailable(
                f"Tasks run only in a sandbox, and none can run on this machine, so the task "
                f"{name!r} is refused (runtime.allow_unsandboxed does not apply to tasks). "
                f"{status.detail} Install bubblewrap.")
        return task

    async def run(self, name: str, cancel: asyncio.Event | None = None
                  ) -> tuple[Task, RunResult, list[Problem]]:
        """Runs it to the end; returns its result and its problems (kept and published
        unless the run was cancelled)."""
        task = await self.runnable(name)
        result = await self.runs.sandbox.run(list(task.argv), timeout_s=task.timeout_s,
                                             cancel=cancel)
        problems = await self._ended(task, result)
        return task, result, problems

    async def start(self, name: str, *, owner: str,
                    join: Callable[[str], Awaitable[None]] | None = None
                    ) -> tuple[str, Task, SandboxKind]:
        """Starts it as a streamed run (`run:output`, `run:exit` to its room); its problems
        follow as `problems:changed` when it ends."""
        task = await self.runnable(name)

        async def ended(result: RunResult | None) -> None:
            if result is not None:
                await self._ended(task, result)

        run_id = await self.runs.start_run(list(task.argv), owner=owner,
                                           timeout_s=task.timeout_s, join=join, on_end=ended)
        return run_id, task, self.runs.sandbox.status().kind

    async def _ended(self, task: Task, result: RunResult) -> list[Problem]:
        if result.cancelled:
            return self.problems.all().get(problem_source(task.name), [])
        text = result.stdout + "\n" + result.stderr
        problems = await asyncio.to_thread(self._parse, task, text)
        await self.problems.replace(problem_source(task.name), problems)
        return problems

    def _parse(self, task: Task, text: str) -> list[Problem]:
        raw = parse(text, task.problem_matcher, self._find_def,
                    tool=os.path.basename(task.argv[0]))
        return normalise(raw, self.root, self._keep)

    def _keep(self, rel: str) -> bool:
        return self._shown(rel) and os.path.isfile(self.root / rel)

    def _find_def(self, path: str, function: str) -> int | None:
        """The line of `def function` in the test file (pytest failures without a
        traceback)."""
        full = Path(os.path.normpath(self.root / path))
        if os.path.commonpath([self.root, full]) != str(self.root) or not self._keep(
                os.path.relpath(full, self.root)):
            return None
        try:
            text = full.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        pattern = re.compile(rf"^\s*(?:async\s+)?def\s+{re.escape(function)}\s*\(")
        for number, line in enumerate(text.splitlines(), 1):
            if pattern.match(line):
                return number
        return None


def _summary(task: Task) -> dict[str, object]:
    return {"name": task.name, "argv": list(task.argv), "source": task.source,
            "detail": task.detail}
