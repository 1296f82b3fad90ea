"""Server → client events: one pydantic model per Socket.IO event (DESIGN.md §5).

Each model names its wire event (`name`, a ClassVar) and where it goes (`target()`): every
authenticated client of the workspace (`Broadcast`) or one room (`Room`). Its fields are the
payload, exactly as the front end receives it (`payload()`). Services build these and hand
them to the bus (`events.bus.Publish`); they never know event names, rooms or Socket.IO.

This module imports nothing from the feature packages: it is the contract both sides meet
at, and the source of the JSON Schema the front end's socket types are generated from
(`python -m pairpad.events.schema`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict


@dataclass(frozen=True)
class Broadcast:
    """Every authenticated client of this workspace (the Socket.IO adapter's workspace room)."""


@dataclass(frozen=True)
class Room:
    """The clients that joined one room (e.g. a conversation's, see `conversation_room`)."""

    name: str


Target = Broadcast | Room
BROADCAST = Broadcast()


def conversation_room(conversation_id: str) -> str:
    """The room of one conversation: every client following it sees its chat stream."""
    return f"chat:{conversation_id}"


class ServerEvent(BaseModel):
    """Base of every server → client event."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: ClassVar[str]
    # Team mode runs several instances: an event goes to the clients of every instance
    # (through Redis) unless it is this instance's own observation, which every instance
    # hosting the workspace makes for itself (its watcher, its language servers) — fanned
    # out too, each client would get it once per instance.
    fan_out: ClassVar[bool] = True

    def target(self) -> Target:
        return BROADCAST

    def payload(self) -> dict[str, Any]:
        """The JSON object sent on the wire."""
        return self.model_dump(mode="json")


# --- workspace -------------------------------------------------------------------------------


USER_ACTOR = "user"
EXTERNAL_ACTOR = "external"


def agent_actor(run_id: str) -> str:
    """The actor of a change an agent run made (`agent:<run_id>`)."""
    return f"agent:{run_id}"


class FsChangeEntry(BaseModel):
    type: Literal["added", "modified", "deleted"]
    path: str
    # Who made it: `user` (through Pairpad's file service), `agent:<run_id>`, or `external`
    # (another program; seen by the watcher only).
    actor: str = EXTERNAL_ACTOR


class FsChanged(ServerEvent):
    """Workspace files changed: published by the file service for the changes it makes (with
    their actor) and by the watcher for those it sees that Pairpad did not make. Caches (the
    file finder, the codebase index) subscribe to it on the bus, like the Socket.IO clients.
    """

    name: ClassVar[str] = "fs:changed"
    # Every instance's watcher sees the shared folder change (a change another instance
    # made is `external` there); fanned out, a client would get each change twice.
    fan_out: ClassVar[bool] = False
    changes: list[FsChangeEntry]


class GitChanged(ServerEvent):
    """The repository changed through Pairpad (stage, unstage, commit, discard, a branch
    switch, init, pull): source-control views fetch the status again. `reason` names the
    operation."""

    name: ClassVar[str] = "git:changed"
    reason: str


class IndexProgress(ServerEvent):
    """The codebase index is being built or updated."""

    name: ClassVar[str] = "index:progress"
    indexed: int
    total: int
    state: str  # idle | building | ready | error | disabled


# --- chat ------------------------------------------------------------------------------------


class ContextEntry(BaseModel):
    """One context item as the inspector shows it (never file contents)."""

    id: str
    kind: str
    path: str | None
    title: str | None
    tokens: int
    included: bool
    truncated: bool
    reason: str | None
    meta: dict[str, Any]


class Budget(BaseModel):
    window: int
    reserved_output: int
    prompt_tokens: int
    context_tokens: int


class TokenUsage(BaseModel):
    input_tokens: int
    output_tokens: int
    estimated: bool


class ChatEvent(ServerEvent):
    """An event of one answer's stream, sent to its conversation's room."""

    conversation_id: str
    message_id: str

    def target(self) -> Target:
        return Room(conversation_room(self.conversation_id))


class ChatStarted(ChatEvent):
    """An answer starts streaming; the same fields as the `chat:send`/`chat:retry` ack."""

    name: ClassVar[str] = "chat:started"
    user_message_id: str
    text: str
    model: str
    context: list[ContextEntry]
    budget: Budget


class ChatDelta(ChatEvent):
    name: ClassVar[str] = "chat:delta"
    text: str


class ChatDone(ChatEvent):
    name: ClassVar[str] = "chat:done"
    usage: TokenUsage | None
    finish_reason: str
    model: str


class ChatError(ChatEvent):
    """The provider failed; nothing of this answer is stored (the client can retry)."""

    name: ClassVar[str] = "chat:error"
    detail: str
    setting: str | None


# --- inline edit (Ctrl/Cmd+K) -------------------------------------------------------------


def inline_edit_room(edit_id: str) -> str:
    """The room of one inline edit: the socket that started it joins it before it streams."""
    return f"inline_edit:{edit_id}"


class InlineEditEvent(ServerEvent):
    """An event of one inline edit's stream, sent to its room."""

    edit_id: str

    def target(self) -> Target:
        return Room(inline_edit_room(self.edit_id))


class InlineEditDelta(InlineEditEvent):
    """More of the replacement, cleaned (no Markdown fence, the selection's indentation)."""

    name: ClassVar[str] = "inline_edit:delta"
    text: str


class InlineEditDone(InlineEditEvent):
    """The whole replacement (what Accept applies); finish_reason "cancelled" after a cancel."""

    name: ClassVar[str] = "inline_edit:done"
    text: str
    finish_reason: str


class InlineEditError(InlineEditEvent):
    """The model failed; the editor shows `detail` in the inline-edit widget."""

    name: ClassVar[str] = "inline_edit:error"
    detail: str


# --- sandboxed runs (runtime/sandbox.py) ------------------------------------------------------


def run_room(run_id: str) -> str:
    """The room of one sandboxed run: the socket that started it joins it before it runs."""
    return f"run:{run_id}"


class RunEvent(ServerEvent):
    """An event of one streamed run (`run:start`), sent to its room."""

    run_id: str

    def target(self) -> Target:
        return Room(run_room(self.run_id))


class RunOutput(RunEvent):
    """Output of the run as it arrives, batched (one event per ~50 ms or 64 KiB per stream),
    decoded as UTF-8 (invalid bytes replaced); after the cap a marker line says where it was
    cut."""

    name: ClassVar[str] = "run:output"
    stream: Literal["stdout", "stderr"]
    data: str


class RunExit(RunEvent):
    """The run ended: its exit code, or the signal that killed it (then `exit_code` is null);
    `timed_out` when its timeout killed it, `cancelled` after `run:cancel`; `error` when it
    could not be started (then no command ran)."""

    name: ClassVar[str] = "run:exit"
    exit_code: int | None
    signal: str | None
    timed_out: bool
    cancelled: bool
    truncated: bool
    duration_ms: int
    sandbox: Literal["bubblewrap", "landlock", "none"]
    error: str | None = None


# --- integrated terminals (runtime/terminals.py) ----------------------------------------------


def terminal_room(term_id: str) -> str:
    """The room of one terminal: every socket that opened or reattached it joins it."""
    return f"term:{term_id}"


class TerminalEvent(ServerEvent):
    """An event of one PTY terminal (`term:open`), sent to its room."""

    term_id: str

    def target(self) -> Target:
        return Room(terminal_room(self.term_id))


class TerminalOutput(TerminalEvent):
    """Output of the terminal, batched (never one event per byte). `offset` is how many
    characters the terminal had written before `data`: a reattaching client that got the
    scroll-back up to some offset skips what it already has, and acknowledges what it has
    drawn with `term:ack {term_id, offset}` (the server stops reading the PTY while too much
    is unacknowledged, so a flood cannot outrun the page)."""

    name: ClassVar[str] = "term:output"
    data: str
    offset: int


class TerminalExit(TerminalEvent):
    """The terminal's shell ended: its exit code, or the signal that killed it (then
    `exit_code` is null); `reason` says why when Pairpad ended it (closed by the user, no
    client held it for the grace period, the server stopping)."""

    name: ClassVar[str] = "term:exit"
    exit_code: int | None
    signal: str | None
    reason: str | None = None


# --- tasks and problems (runtime/tasks.py, runtime/problems.py) ------------------------------


class Problem(BaseModel):
    """One diagnostic a task's output named: 1-based line and column (column 1 when the tool
    gave none), the workspace-relative path."""

    path: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None
    severity: Literal["error", "warning", "info"]
    message: str
    code: str | None = None
    tool: str


class ProblemsChanged(ServerEvent):
    """A source's problems were replaced (a task ran again, or its problems were cleared):
    `source` is e.g. `task:test`; `problems` is its whole new list."""

    name: ClassVar[str] = "problems:changed"
    source: str
    problems: list[Problem]


class ReviewChanged(ServerEvent):
    """An AI change set was applied, reviewed (a hunk accepted or rejected) or undone by a
    checkpoint restore: the counts of what still waits for review, for the status bar."""

    name: ClassVar[str] = "review:changed"
    pending_files: int
    pending_hunks: int
    change_set_id: str | None = None


# --- agent runs (ai/agent/) -----------------------------------------------------------------


def agent_room(run_id: str) -> str:
    """The room of one agent run: the socket that started it, and those that joined it."""
    return f"agent:{run_id}"


AgentEventType = Literal[
    "start", "message", "tool_call", "tool_result", "approval_request", "approval_decision",
    "file_change", "error", "finished",
]


class SequencedEvent(ServerEvent):
    """An event of an append-only stream (events/log.py): `run_id` names the stream, `seq`
    orders it (1, 2, … without gaps)."""

    run_id: str
    seq: int


class AgentEvent(SequencedEvent):
    """One entry of an agent run's append-only log (actions and observations), in `seq`
    order from 1; the same object is stored, streamed, replayed and served by the API.
    Fields a type does not use are null (docs/agent.md lists which type uses which)."""

    name: ClassVar[str] = "agent:event"
    type: AgentEventType
    at: str
    text: str | None = None
    call_id: str | None = None
    tool: str | None = None
    args: dict[str, Any] | None = None
    ok: bool | None = None
    output: str | None = None
    risk: str | None = None
    detail: str | None = None
    approve: bool | None = None
    path: str | None = None
    change: Literal["modified", "created", "deleted"] | None = None
    change_set_id: str | None = None
    checkpoint_id: str | None = None
    diff: str | None = None
    message: str | None = None
    reason: str | None = None
    usage: TokenUsage | None = None

    def target(self) -> Target:
        return Room(agent_room(self.run_id))


class AgentApproval(ServerEvent):
    """A run waits for the user's decision on one tool call (`agent:decide`): `detail` is
    exactly what will happen (the command line, the file change)."""

    name: ClassVar[str] = "agent:approval"
    run_id: str
    call_id: str
    tool: str
    args: dict[str, Any]
    risk: str
    detail: str

    def target(self) -> Target:
        return Room(agent_room(self.run_id))


# --- language servers (runtime/lsp/) ---------------------------------------------------------


class LspDiagnostic(BaseModel):
    """One diagnostic as the language server sent it: LSP's 0-based, UTF-16 `range`
    (`{start: {line, character}, end}`), severity 1 error … 4 hint."""

    range: dict[str, Any]
    severity: int | None = None
    message: str
    source: str | None = None
    code: str | int | None = None


class LspDiagnostics(ServerEvent):
    """A language server replaced its diagnostics of one file (`path` workspace-relative);
    an empty list clears them."""

    name: ClassVar[str] = "lsp:diagnostics"
    fan_out: ClassVar[bool] = False  # each instance's own language servers
    path: str
    server: str
    diagnostics: list[LspDiagnostic]


LspState = Literal["not_started", "starting", "ready", "crashed", "failed"]


class LspServerStatus(BaseModel):
    """A configured language server: `detail` says why it crashed or failed (exit status and
    its last stderr lines, or the program that was not found)."""

    name: str
    languages: list[str]
    state: LspState
    detail: str | None = None


class LspStatus(ServerEvent):
    """The state of every configured language server, whenever one changes."""

    name: ClassVar[str] = "lsp:status"
    fan_out: ClassVar[bool] = False  # each instance's own language servers
    servers: list[LspServerStatus]


class LspEdit(ServerEvent):
    """A language server's workspace/applyEdit was applied (a server command's edit), for
    information: `edit` is `{changes: {path: [TextEdit]}}`."""

    name: ClassVar[str] = "lsp:edit"
    fan_out: ClassVar[bool] = False  # each instance's own language servers
    edit: dict[str, Any]
    label: str | None = None


# Every server → client event, for the schema export and the contract test.
SERVER_EVENTS: tuple[type[ServerEvent], ...] = (
    FsChanged, GitChanged, IndexProgress, ChatStarted, ChatDelta, ChatDone, ChatError,
    InlineEditDelta, InlineEditDone, InlineEditError,
    RunOutput, RunExit, TerminalOutput, TerminalExit, ProblemsChanged, ReviewChanged,
    AgentEvent, AgentApproval, LspDiagnostics, LspStatus, LspEdit,
)
