"""The agent's tools: a call is prepared (arguments checked, the change worked out, what the
user would approve described), then executed. Every failure is an observation the model can
act on (`Outcome(ok=False, …)`), never an exception out of here.

Secret files (the visibility policy) are never read into a result: the result says the file
is secret. File changes go through the change service as steps of the run's one change set
(a checkpoint before each), through the file service's one mutation path.
"""

from __future__ import annotations

import asyncio
import fnmatch
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import ValidationError

from pairpad.ai.agent import policy
from pairpad.ai.agent.mcp import McpResult
from pairpad.ai.agent.tool_specs import (
    ARGS,
    DeleteFile,
    EditFile,
    ListFiles,
    ReadFile,
    RunCommand,
    SearchCode,
    SearchText,
    WriteFile,
)
from pairpad.changes.hunks import unified
from pairpad.changes.service import ChangeService
from pairpad.changes.steps import StepResult, StepWrite
from pairpad.codebase.service import ContextService
from pairpad.edits import apply_block
from pairpad.errors import PairpadError
from pairpad.runtime.sandbox import Sandbox
from pairpad.workspace.files import FileService
from pairpad.workspace.finder import FileFinder
from pairpad.workspace.models import FileContent
from pairpad.workspace.search import SearchQuery, SearchService
from pairpad.workspace.visibility import VisibilityPolicy

MAX_LISTED = 400
MAX_MATCHES = 200
READ_LINES = 2000


class McpTools(Protocol):
    """What the agent needs of the MCP hub (ai/agent/mcp.py)."""

    def specs(self) -> list[tuple[str, str, dict[str, Any], bool]]:
        """(qualified name, description, input schema, trusted) per tool."""
        ...

    async def call_tool(self, qualified: str, args: dict[str, Any],
                        cancel: asyncio.Event | None) -> McpResult: ...


@dataclass
class Prepared:
    """A call checked and worked out, ready to be decided on and executed."""

    call_id: str
    tool: str
    args: dict[str, Any]
    error: str | None = None  # a malformed call: the observation, nothing runs
    decision: policy.Decision = field(default_factory=lambda: policy.Decision("run"))
    detail: str = ""  # what the user approves: the command line, the file change
    writes: list[StepWrite] = field(default_factory=list)
    diff: str = ""
    already: str | None = None  # an edit already in the file: nothing to write


@dataclass
class Outcome:
    ok: bool
    output: str
    step: StepResult | None = None


@dataclass
class ToolDeps:
    files: FileService
    visibility: VisibilityPolicy
    search: SearchService
    finder: FileFinder
    context: ContextService
    changes: ChangeService
    sandbox: Sandbox
    mcp: McpTools | None = None


@dataclass
class RunContext:
    """What a run's tools share: its id, mode, change set and output limit."""

    run_id: str
    mode: policy.Mode
    task: str
    output_chars: int
    command_timeout_s: float
    allowed: Callable[[], Awaitable[list[list[str]]]]
    change_set_id: str | None = None
    cancel: asyncio.Event = field(default_factory=asyncio.Event)


class ToolBox:
    def __init__(self, deps: ToolDeps) -> None:
        self.deps = deps

    def names(self, mode: policy.Mode) -> list[str]:
        return [name for name in ARGS if policy.offered(mode, name)]

    def mcp_specs(self, mode: policy.Mode) -> list[tuple[str, str, dict[str, Any], bool]]:
        if self.deps.mcp is None or mode == "ask":
            return []
        return self.deps.mcp.specs()

    # ---- prepare ------------------------------------------------------------------------

    async def prepare(self, run: RunContext, call_id: str, tool: str,
                      raw: dict[str, Any]) -> Prepared:
        prepared = Prepared(call_id, tool, raw)
        if tool.startswith(policy.MCP_PREFIX):
            trusted = {name: t for name, _d, _s, t in self.mcp_specs(run.mode)}
            if tool not in trusted:
                prepared.error = _unknown(tool, self.names(run.mode), list(trusted))
            else:
                prepared.decision = policy.decide(run.mode, tool, trusted=trusted[tool])
                prepared.detail = f"{tool} with {raw}"
            return prepared
        model = ARGS.get(tool)
        if model is None:
            prepared.error = _unknown(tool, self.names(run.mode),
                                      [s[0] for s in self.mcp_specs(run.mode)])
            return prepared
        try:
            args = model.model_validate(raw)
        except ValidationError as error:
            prepared.error = _invalid(tool, error)
            return prepared
        try:
            if isinstance(args, RunCommand):
                prepared.decision = policy.decide(run.mode, tool, argv=args.argv,
                                                  allowed=await run.allowed())
                prepared.detail = policy.command_line(args.argv)
            elif isinstance(args, EditFile | WriteFile | DeleteFile):
                await self._plan_write(run, prepared, args)
            else:
                prepared.decision = policy.decide(run.mode, tool)
        except policy.PathRefused as refused:
            prepared.error = f"Refused: {refused}."
        except PairpadError as failure:
            prepared.error = failure.detail
        if prepared.error is None and prepared.decision.verdict == "refuse":
            prepared.error = prepared.decision.reason
        return prepared

    async def _plan_write(self, run: RunContext, prepared: Prepared,
                          args: EditFile | WriteFile | DeleteFile) -> None:
        rel = policy.normalise(args.path)
        if not rel:
            raise policy.PathRefused("the workspace root is not a file")
        secret = self.deps.visibility.is_secret_target(rel)
        current = await self._read_or_none(rel)
        base = None if current is None else current.content
        if isinstance(args, EditFile):
            if secret:
                prepared.error = (f"{rel} is a secret file (the visibility policy): the agent "
                                  "neither reads nor edits it. Ask the user to change it.")
                return
            after = self._edited(rel, base, args, prepared)
            if after is None:
                return
        elif isinstance(args, WriteFile):
            after = args.content
        else:
            if current is None:
                prepared.error = f"{rel} does not exist (nothing to delete)."
                return
            after = None
        if after == base:
            prepared.already = f"{rel} already has this content; nothing was changed."
            return
        prepared.writes = [StepWrite(rel, base, after)]
        prepared.diff = "" if secret else unified(rel, base, after)
        control = policy.is_control(rel) or secret
        prepared.decision = policy.decide(run.mode, prepared.tool, control=control)
        verb = "delete" if after is None else "create" if base is None else "change"
        lines = 0 if after is None else after.count("\n") + (not after.endswith("\n"))
        prepared.detail = f"{verb} {rel}" + ("" if after is None else f" ({lines} lines)")

    def _edited(self, rel: str, base: str | None, args: EditFile,
                prepared: Prepared) -> str | None:
        if base is None:
            if args.old_text.strip():
                prepared.error = (f"{rel} does not exist. To create it, call write_file (or "
                                  "edit_file with an empty old_text).")
                return None
            return args.new_text
        if args.replace_all and args.old_text and base.count(args.old_text):
            return base.replace(args.old_text, args.new_text)
        outcome = apply_block(base, args.old_text, args.new_text)
        if outcome.result is None:
            message = outcome.error_message or "old_text did not match"
            if outcome.closest is not None:
                c = outcome.closest
                message += (f"\nClosest region, lines {c.start_line}-{c.end_line}:\n{c.text}")
            prepared.error = f"edit_file {rel} failed: {message}"
            return None
        if outcome.already_applied:
            prepared.already = f"{rel} already contains this change; nothing was changed."
        return outcome.result

    # ---- execute ------------------------------------------------------------------------

    async def execute(self, run: RunContext, prepared: Prepared) -> Outcome:
        args = prepared.args
        try:
            if prepared.already is not None:
                return Outcome(True, prepared.already)
            if prepared.writes:
                return await self._write(run, prepared)
            if prepared.tool.startswith(policy.MCP_PREFIX):
                assert self.deps.mcp is not None
                result = await self.deps.mcp.call_tool(prepared.tool, args, run.cancel)
                return Outcome(result.ok, _cap(result.text, run.output_chars))
            parsed = ARGS[prepared.tool].model_validate(args)
            return await self._read_tool(run, parsed)
        except policy.PathRefused as refused:
            return Outcome(False, f"Refused: {refused}.")
        except PairpadError as failure:
            return Outcome(False, failure.detail)

    async def _read_tool(self, run: RunContext, args: Any) -> Outcome:
        if isinstance(args, ReadFile):
            return await self._read_file(run, args)
        if isinstance(args, ListFiles):
            return await self._list_files(args)
        if isinstance(args, SearchText):
            return await self._search_text(run, args)
        if isinstance(args, SearchCode):
            snippets = await self.deps.context.search(args.query, k=8)
            shown = [f"{s.path}:{s.start_line}-{s.end_line}\n{s.text}" for s in snippets
                     if not self.deps.visibility.is_secret_target(s.path)]
            return Outcome(True, _cap("\n\n".join(shown) or "No relevant code found.",
                                      run.output_chars))
        if isinstance(args, RunCommand):
            return await self._run_command(run, args)
        text = await self.deps.context.repo_map()
        return Outcome(True, _cap(text or "The repository map is empty (nothing indexed yet).",
                                  run.output_chars))

    async def _read_file(self, run: RunContext, args: ReadFile) -> Outcome:
        rel = policy.normalise(args.path)
        if self.deps.visibility.is_secret_target(rel):
            return Outcome(False, f"{rel} is a secret file (the visibility policy): its "
                           "content is never given to the model.")
        content = await self.deps.files.read(rel)
        lines = content.content.splitlines()
        start = args.start_line or 1
        end = min(args.end_line or len(lines), len(lines), start + READ_LINES - 1)
        body = "\n".join(f"{n:>5}\t{lines[n - 1]}" for n in range(start, end + 1))
        more = f"\n[lines {end + 1}-{len(lines)} not shown]" if end < len(lines) else ""
        header = f"{content.path} ({len(lines)} lines)\n"
        return Outcome(True, _cap(header + body + more, run.output_chars))

    async def _list_files(self, args: ListFiles) -> Outcome:
        folder = policy.normalise(args.path) if args.path.strip() else ""
        index = await self.deps.finder.index()
        paths = [p for p in index.paths if not folder or p.startswith(folder + "/")]
        if args.glob:
            paths = [p for p in paths if fnmatch.fnmatch(p, args.glob)
                     or fnmatch.fnmatch(p.rsplit("/", 1)[-1], args.glob)]
        shown = paths[:MAX_LISTED]
        more = f"\n[{len(paths) - MAX_LISTED} more not shown]" if len(paths) > MAX_LISTED else ""
        return Outcome(True, "\n".join(shown) + more if shown else "No files match.")

    async def _search_text(self, run: RunContext, args: SearchText) -> Outcome:
        globs = (args.glob,) if args.glob else ()
        found = await self.deps.search.search(SearchQuery(args.query, regex=args.regex,
                                                          globs=globs, limit=MAX_MATCHES))
        shown = [m for m in found.results if not self.deps.visibility.is_secret_target(m.path)]
        hidden = len(found.results) - len(shown)
        lines = [f"{m.path}:{m.line}: {m.text}" for m in shown]
        if hidden:
            lines.append(f"[{hidden} matches in secret files not shown]")
        if found.truncated:
            lines.append("[more matches not shown: narrow the query or the glob]")
        return Outcome(True, _cap("\n".join(lines) or "No matches.", run.output_chars))

    async def _run_command(self, run: RunContext, args: RunCommand) -> Outcome:
        timeout = float(args.timeout_s) if args.timeout_s else run.command_timeout_s
        timeout = self.deps.sandbox.timeout(min(timeout, self.deps.sandbox.settings.max_timeout_s))
        result = await self.deps.sandbox.run(args.argv, timeout_s=timeout, cancel=run.cancel)
        if result.timed_out:
            status = f"timed out after {timeout:g} s (killed)"
        elif result.cancelled:
            status = "cancelled"
        elif result.signal:
            status = f"killed by {result.signal}"
        else:
            status = f"exit code {result.exit_code}"
        text = f"$ {policy.command_line(args.argv)}\n[{status}]\n"
        if result.stdout:
            text += f"--- stdout ---\n{result.stdout}\n"
        if result.stderr:
            text += f"--- stderr ---\n{result.stderr}\n"
        ok = result.exit_code == 0 and not result.timed_out
        return Outcome(ok, _cap(text, run.output_chars))

    async def _write(self, run: RunContext, prepared: Prepared) -> Outcome:
        control = prepared.decision.risk == "control_file"
        step = await self.deps.changes.apply_step(
            prepared.writes, change_set_id=run.change_set_id, title=run.task[:200],
            step_title=f"{prepared.tool} {prepared.writes[0].path}",
            actor=f"agent:{run.run_id}", allow_control=control)
        if step.change_set_id:
            run.change_set_id = step.change_set_id
        if not step.files:
            return Outcome(True, f"{prepared.writes[0].path} already had this content.", step)
        names = ", ".join(f"{f.change} {f.path}" for f in step.files)
        return Outcome(True, f"Done: {names}.", step)

    async def _read_or_none(self, rel: str) -> FileContent | None:
        try:
            return await self.deps.files.read(rel)
        except PairpadError as failure:
            if failure.status_code == 404:
                return None
            raise


def _cap(text: str, limit: int) -> str:
    """Head and tail of a long output (the end of a test run says most), and where cut."""
    if len(text) <= limit:
        return text
    head = text[:limit * 2 // 3]
    tail = text[-(limit // 3):]
    return f"{head}\n[… {len(text) - len(head) - len(tail)} characters cut …]\n{tail}"


def _unknown(tool: str, names: list[str], extra: list[str]) -> str:
    return (f"There is no tool {tool!r} here. Available tools: " +
            ", ".join(names + extra) + ".")


def _invalid(tool: str, error: ValidationError) -> str:
    problems = []
    for item in error.errors()[:5]:
        where = ".".join(str(p) for p in item["loc"]) or "arguments"
        problems.append(f"{where}: {item['msg']}")
    return f"Invalid arguments for {tool}: " + "; ".join(problems) + "."
