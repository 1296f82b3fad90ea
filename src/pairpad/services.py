"""The long-lived services of one server, built from Settings and started by the app lifespan."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pairpad.ai.agent.allow_list import AllowList
from pairpad.ai.agent.mcp import McpHub
from pairpad.ai.agent.models import McpStatusOut
from pairpad.ai.agent.service import AgentService
from pairpad.ai.agent.store import RunLog, RunStore
from pairpad.ai.agent.tools import ToolBox, ToolDeps
from pairpad.ai.completion.service import CompletionService
from pairpad.ai.completion.stats import CompletionStats
from pairpad.ai.embedding import embed_target
from pairpad.ai.secrets import SecretBox
from pairpad.ai.sources.codebase import CodebaseContextSource
from pairpad.ai.wiring import AIServices, build_ai
from pairpad.audit.scoped import WorkspaceAudit
from pairpad.audit.trail import AuditSink
from pairpad.auth.authorizer import Authorizer, Policy
from pairpad.auth.identity import LocalTokenIdentityProvider
from pairpad.changes.service import ChangeService
from pairpad.changes.shadow import ShadowRepo
from pairpad.changes.store import ChangeSetStore
from pairpad.codebase.lease import JobLease
from pairpad.codebase.service import ContextService
from pairpad.config import Settings, user_config_file
from pairpad.editor_preferences import PreferencesService
from pairpad.events.bus import EventBus
from pairpad.events.models import FsChanged, IndexProgress
from pairpad.realtime.socketio_adapter import SocketIOAdapter
from pairpad.runtime.lsp.manager import LspManager
from pairpad.runtime.problem_board import ProblemBoard
from pairpad.runtime.runs import RunService
from pairpad.runtime.sandbox import Sandbox
from pairpad.runtime.task_approvals import TaskApprovals
from pairpad.runtime.tasks import TaskService
from pairpad.runtime.terminals import TerminalService
from pairpad.storage.db import Database
from pairpad.storage.owner import Owner
from pairpad.workspace.files import FileService
from pairpad.workspace.finder import FileFinder
from pairpad.workspace.git_service import GitService
from pairpad.workspace.protected import scan as scan_protected
from pairpad.workspace.search import SearchService
from pairpad.workspace.temps import TempSweeper
from pairpad.workspace.text_edits import apply_workspace_edit
from pairpad.workspace.visibility import VisibilityPolicy
from pairpad.workspace.watcher import Watcher, publish_changes


class Component(Protocol):
    """Something with a background life (watcher, model server, indexer)."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...


@dataclass
class Services:
    settings: Settings
    identities: LocalTokenIdentityProvider
    authorizer: Policy  # may they: action on resource; team mode swaps it
    db: Database
    events: EventBus  # services publish typed events here (realtime.events)
    realtime: SocketIOAdapter  # the transport: delivers them to Socket.IO rooms
    preferences: PreferencesService
    visibility: VisibilityPolicy
    files: FileService
    search: SearchService
    finder: FileFinder
    watcher: Watcher
    ai: AIServices
    context: ContextService
    completion: CompletionService  # inline completion (ghost text) on the autocomplete role
    runs: RunService  # sandboxed commands (runtime/sandbox.py), for the API, tasks and agent
    tasks: TaskService  # workspace tasks (test, lint …) and the problems their runs found
    terminals: TerminalService  # the user's own shells in PTYs (not sandboxed)
    changes: ChangeService  # AI edits: preview, apply as a reviewed change set, checkpoints
    agent: AgentService = field(init=False)  # agent runs: tools, approvals, logs (set below)
    lsp: LspManager = field(init=False)  # language servers, started per language (set below)
    # Source control: git through argv and a timeout; working-tree writes via `files`.
    git: GitService = field(init=False)
    components: list[Component] = field(default_factory=list)
    owns_db: bool = True  # local mode: its own SQLite file; team mode shares the team's database
    # Team mode: security events of this workspace (denials, API keys, agent approvals).
    audit: WorkspaceAudit | None = None

    async def start(self) -> None:
        if self.owns_db:
            await self.db.migrate()
        for component in self.components:
            await component.start()

    async def stop(self) -> None:
        for component in reversed(self.components):
            await component.stop()
        if self.owns_db:
            await self.db.dispose()


@dataclass(frozen=True)
class Hosting:
    """How one workspace is hosted: local mode builds its own parts; a team server
    (pairpad.team) hands in the shared ones."""

    db: Database  # the team's database (migrated and disposed by the team server)
    owner: Owner  # whose rows: the team (`team:{id}`) in this workspace
    authorizer: Policy  # the role policy (auth/roles.py)
    realtime: SocketIOAdapter  # bound to the workspace's Socket.IO namespace
    siblings_root: Path  # the other workspaces under it are hidden from sandboxed commands
    hidden: tuple[Path, ...] = ()  # also hidden from them: the server's data (all workspaces')
    secret_box: SecretBox | None = None  # encrypts the stored API keys of every workspace
    audit: AuditSink | None = None  # the team server's audit trail
    # Who runs the index jobs when several instances share the data dir (Redis); None:
    # this one, always (one instance).
    index_lease: JobLease | None = None


def build_services(settings: Settings, token: str, hosting: Hosting | None = None) -> Services:
    """Construct everything without side effects; `start()` does the I/O."""
    identities = LocalTokenIdentityProvider(token)
    if hosting is None:
        db = Database.for_sqlite_file(settings.database_path)
        # Whose rows the stores read and write: the local user.
        owner = Owner.local(settings.workspace)
        realtime = SocketIOAdapter(identities)
    else:
        db, owner, realtime = hosting.db, hosting.owner, hosting.realtime
    events = EventBus()
    realtime.attach(events)
    # One visibility policy (hidden / ignored / secret) for every reader of the workspace.
    visibility = VisibilityPolicy(settings.workspace, settings.secret_patterns)
    # The one mutation path: it publishes every change it makes (FsChanged, with the actor).
    files = FileService(settings.workspace, settings.max_file_size, visibility, events)
    codebase = ContextService(
        settings.workspace,
        settings.data_dir,
        settings.index,
        notify=lambda progress: events.publish(IndexProgress.model_validate(progress)),
        policy=visibility,
        lease=None if hosting is None else hosting.index_lease,
    )
    # Chat reads files through the workspace FileService (confinement, size limits).
    # Secret files (the policy) are refused on every path to a model.
    # Team mode: one key box for the server's stored API keys, and no key ever taken from
    # the server's environment (a team admin must not get the operator's keys).
    ai = build_ai(settings.ai, settings.data_dir, db, files, events, secrets=visibility,
                  owner=owner, secret_box=None if hosting is None else hosting.secret_box,
                  allow_env_keys=hosting is None)
    services = Services(
        settings=settings,
        identities=identities,
        authorizer=Authorizer() if hosting is None else hosting.authorizer,
        db=db,
        events=events,
        realtime=realtime,
        preferences=PreferencesService(db, owner),
        visibility=visibility,
        files=files,
        search=SearchService(
            settings.workspace,
            timeout=settings.search_timeout,
            max_file_size=settings.max_file_size,
            policy=visibility,
        ),
        finder=FileFinder(settings.workspace, timeout=settings.search_timeout, policy=visibility),
        watcher=Watcher(settings.workspace, debounce_ms=settings.watch_debounce_ms,
                        ledger=files.changes),
        context=codebase,
        ai=ai,
        # Inline completion: the autocomplete role, context from the codebase index, secret
        # files refused (the policy), acceptance data in SQLite (this owner and workspace).
        completion=CompletionService(ai.registry, settings.ai.autocomplete,
                                     CompletionStats(db, owner), secrets=visibility,
                                     codebase=codebase),
        # Commands in the sandbox: control files read-only and secret files (the policy)
        # masked inside the workspace; Pairpad's data and config folders hidden outside.
        runs=RunService(
            Sandbox(settings.workspace, settings.runtime,
                    protected=lambda limit: scan_protected(visibility, limit),
                    hidden=[settings.data_dir, user_config_file().parent,
                            *(() if hosting is None else hosting.hidden)],
                    siblings_root=None if hosting is None else hosting.siblings_root),
            events),
        terminals=TerminalService(settings.terminal, settings.workspace, events),
        tasks=None,  # type: ignore[arg-type]  # set below: it needs `runs`
        # AI edits through the one mutation path; contents of checkpoints in a shadow git
        # repository in the data dir (never the workspace's own), review state in SQLite.
        changes=ChangeService(
            files, ChangeSetStore(db, owner),
            ShadowRepo(settings.data_dir / "checkpoints" / f"{owner.workspace_id}.git"),
            events),
    )
    # Tasks run through `runs`; config tasks need the user's approval (their database);
    # problems at secret or hidden paths are never shown.
    services.owns_db = hosting is None
    if hosting is not None and hosting.audit is not None:
        services.audit = WorkspaceAudit(hosting.audit, owner.workspace_id)
    services.tasks = TaskService(
        settings.workspace, services.runs, TaskApprovals(db, owner), ProblemBoard(events),
        shown=lambda rel: not (visibility.is_hidden(rel) or visibility.is_secret_target(rel)))
    services.git = GitService(files, events, hooks_allowed=hosting is None)
    watcher = services.watcher
    # Caches follow the workspace through the bus: the file service's changes (any actor)
    # and the watcher's `external` ones alike; no route invalidates anything.
    finder, context = services.finder, services.context

    async def on_fs_changed(event: FsChanged) -> None:
        await finder.on_changes(event.changes)
        await context.on_fs_changes(event.changes)

    events.subscribe(on_fs_changed, FsChanged)  # type: ignore[arg-type]
    watcher.on_resync(services.finder.invalidate)  # events lost while it restarted
    watcher.subscribe(publish_changes(events))
    services.ai.chat.sources.append(CodebaseContextSource(services.context))
    services.context.embeddings.resolve = lambda: embed_target(services.ai.registry)
    # Started in this order, stopped in reverse. The AI layer loads the provider settings
    # (and so the embed role) before the indexer's first build, and outlives the indexer's
    # embedding pass on the way down; stopping it kills the local model server.
    services.components += [watcher, services.ai, services.context]
    # After the AI layer: stopped before it (cancels generations, writes pending stats).
    services.components.append(services.completion)
    # Temp files of saves a crash interrupted: swept in the background from start-up on.
    services.components.append(TempSweeper(files.paths.root))
    # Probes the sandbox at start-up; stopping kills every run still going.
    services.components.append(services.runs)
    # Stopping kills every terminal's shell (term:exit reason "server stopping").
    services.components.append(services.terminals)
    # MCP servers start in the background (the app never waits for a slow one).
    mcp = McpHub(settings.agent.mcp, settings.workspace)
    services.components.append(mcp)
    services.agent = _build_agent(services, owner, mcp)
    # After the runs: at start it marks runs a previous server left going as interrupted;
    # stopping ends the live ones (interrupted) before the sandbox and the AI layer stop.
    services.components.append(services.agent)
    services.lsp = _build_lsp(settings, files, events)
    services.components.append(services.lsp)  # stopping shuts the language servers down
    return services


def _build_lsp(settings: Settings, files: FileService, events: EventBus) -> LspManager:
    """Language servers; the edits they ask to apply (a command's workspace/applyEdit) go
    through the file service, as the user's, all or nothing."""

    async def apply_edit(changes: dict[str, list[dict[str, object]]], _label: str | None) -> None:
        await apply_workspace_edit(files, changes)

    lsp = LspManager(settings.lsp, settings.workspace, settings.runtime_dir / "lsp", events,
                     apply_edit)
    events.subscribe(lsp.on_fs_changed, FsChanged)  # type: ignore[arg-type]
    return lsp


def _build_agent(services: Services, owner: Owner, mcp: McpHub) -> AgentService:
    """Agent runs: tools over the same services as the editor (visibility, search, the
    change service's review and checkpoints, the sandbox), logs in the database."""
    settings = services.settings
    toolbox = ToolBox(ToolDeps(
        files=services.files, visibility=services.visibility, search=services.search,
        finder=services.finder, context=services.context, changes=services.changes,
        sandbox=services.runs.sandbox, mcp=mcp))
    return AgentService(
        root=settings.workspace, store=RunStore(services.db, owner), log=RunLog(services.db),
        bus=services.events, registry=services.ai.registry, toolbox=toolbox,
        settings=settings.agent,
        allow_list=AllowList(settings.workspace, settings.agent.allowed_commands,
                             TaskApprovals(services.db, owner)),
        visibility=services.visibility,
        mcp_status=lambda: McpStatusOut.model_validate(
            {"servers": [server.as_dict() for server in mcp.status()]}))
